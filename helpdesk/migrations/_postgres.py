"""Statements only PostgreSQL runs (extensions, SQL functions, expression indexes): SQLite
registers the same functions per connection and has no such indexes. Not a migration itself
(the loader skips modules whose names start with an underscore)."""

from collections.abc import Callable, Sequence
from typing import Any


def postgres_only(statements: Sequence[str]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run
