"""Model instances from a plain cursor's rows, for the hottest reads of the write paths.

`Model.objects.raw()` works out again for every query how the result's columns map to the
model's fields: it builds the cursor's column descriptions, runs the backend's identifier
conversion for every field and compiles the converters. For the ticket that every chat turn
locks (40 columns with its clock) that cost about as much CPU as the statement's round trip.
`instances_read` works the mapping out once per (model, columns) and keeps it: rows become
instances through `Model.from_db` with the converters the ORM would apply, and columns that
are not the model's land on the instance as attributes, as `raw()` leaves them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from django.db import connection, models

_M = TypeVar("_M", bound=models.Model)
Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Plan:
    picks: tuple[int, ...]  # where the model's fields are in the row, in field order
    attnames: tuple[str, ...]  # their attribute names, in the same order
    converters: tuple[tuple[int, tuple[Converter, ...], Any], ...]  # (index in picks, ...)
    extras: tuple[tuple[int, str], ...]  # other columns: (index in the row, attribute name)


@cache
def _plan(model: type[models.Model], names: tuple[str, ...], vendor: str) -> _Plan:
    # `vendor` is part of the key only: the converters are the backend's.
    # In the model's field order: `from_db` takes a full row positionally.
    where = {name: i for i, name in enumerate(names)}
    fields = [f for f in model._meta.concrete_fields if f.column in where]
    columns = {str(f.column) for f in fields}
    converters = []
    for index, field in enumerate(fields):
        expression = field.get_col(model._meta.db_table)
        found = [
            *connection.ops.get_db_converters(expression),
            *expression.get_db_converters(connection),
        ]
        if found:
            converters.append((index, tuple(found), expression))
    return _Plan(
        picks=tuple(where[str(f.column)] for f in fields),
        attnames=tuple(f.attname for f in fields),
        converters=tuple(converters),
        extras=tuple((i, name) for i, name in enumerate(names) if name not in columns),
    )


def instances_read(model: type[_M], cursor: Any) -> list[_M]:
    """The rows of `cursor`'s last statement as `model` instances, as `raw()` builds them
    (the primary key must be among the columns)."""
    names = _names(cursor)
    plan = _plan(model, names, connection.vendor)
    return [_instance(model, plan, row) for row in cursor.fetchall()]


def _names(cursor: Any) -> tuple[str, ...]:
    # psycopg's `description` builds a Column (with its type's lookup) per column: asking
    # the result for the names alone is a fraction of that.
    cursor = getattr(cursor, "cursor", cursor)  # the driver's, under Django's wrapper
    result = getattr(cursor, "pgresult", None)
    if result is not None:
        encoding = cursor.connection.info.encoding
        return tuple((result.fname(i) or b"").decode(encoding) for i in range(result.nfields))
    return tuple(str(column[0]) for column in cursor.description)


def _instance(model: type[_M], plan: _Plan, row: Sequence[Any]) -> _M:
    values = [row[i] for i in plan.picks]
    for index, converters, expression in plan.converters:
        value = values[index]
        for converter in converters:
            value = converter(value, expression, connection)
        values[index] = value
    instance = model.from_db(connection.alias, list(plan.attnames), values)
    for index, name in plan.extras:
        setattr(instance, name, row[index])
    return instance
