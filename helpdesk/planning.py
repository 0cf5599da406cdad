"""Statements planned for their own parameters every time (PostgreSQL), for searches.

Connections prepare a statement the fifth time they run it (`DB_PREPARE_THRESHOLD`), which
suits the chat's hot statements: the same plan fits every ticket id. After five runs of a
prepared statement PostgreSQL may switch to one generic plan for all parameters, and for a
search that is wrong: the best plan for `LIKE '%RECARGA%'` over a word every message has
(walk the newest tickets, check each) is not the best for a rare folio number (look the
word up in the index first). At a million tickets the generic plan made a common word's
page 430 ms instead of about 20 (`make bench`, agent_list.search_message_common).

`planned_each_time()` turns preparing off on this connection for the statements inside, so
each one is planned with its values, as an unprepared statement always is.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def planned_each_time() -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    raw = connection.connection
    saved = getattr(raw, "prepare_threshold", None)
    if saved is None:  # not preparing anyway
        yield
        return
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = saved
