"""Inserting new rows of several related tables at once, in two statements on PostgreSQL.

Opening a ticket writes a row in five tables (ticket, messages, audit events, SLA clock, clock
events). Through the ORM that is five `bulk_create` calls, each compiled, adapted value by value
and sent on its own round trip: most of a web-form ticket's CPU. `instances_insert` writes the
same rows with one statement that draws every primary key from the tables' sequences and one
that inserts all the rows, each table's rows travelling as a single JSON document.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection, models
from django.utils.functional import Promise


def instances_insert(*groups: Sequence[models.Model]) -> None:
    """Insert the new instances of each group, a group's rows referring only to earlier groups.

    Afterwards every instance has its primary key and every foreign key that pointed at an
    instance of an earlier group holds that instance's id, exactly as `bulk_create` group by
    group would leave them (which is what runs on databases other than PostgreSQL). On
    PostgreSQL: one statement reserves the ids from the tables' own sequences, one inserts all
    rows (one data-modifying CTE per table); the caller's transaction makes it all or nothing.
    """
    groups = tuple(group for group in groups if group)
    if not groups:
        return
    if connection.vendor != "postgresql":
        for group in groups:
            type(group[0]).objects.bulk_create(group)  # type: ignore[attr-defined]
        return
    _ids_reserve(groups)
    now = dt.datetime.now(tz=dt.UTC)
    statements, params = [], []
    for group in groups:
        meta = type(group[0])._meta
        table = connection.ops.quote_name(meta.db_table)
        statements.append(
            f"INSERT INTO {table} SELECT * FROM json_populate_recordset(NULL::{table}, %s)"  # noqa: S608
        )
        params.append(json.dumps([_row(instance, now) for instance in group], default=_json))
    *ctes, last = statements
    sql = last
    if ctes:
        sql = "WITH " + ", ".join(f"w{n} AS ({s})" for n, s in enumerate(ctes)) + " " + last
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    for group in groups:
        for instance in group:
            instance._state.adding = False
            instance._state.db = connection.alias


def _ids_reserve(groups: Sequence[Sequence[models.Model]]) -> None:
    """Draw the ids of instances with an auto-increment key (a clock's key is its ticket's)."""
    wanting = [
        [instance for instance in group if instance.pk is None]
        for group in groups
        if isinstance(type(group[0])._meta.pk, models.fields.AutoFieldMixin)
    ]
    wanting = [group for group in wanting if group]
    if not wanting:
        return
    parts: list[str] = []
    params: list[str | int] = []
    for group in wanting:
        parts.append("ARRAY(SELECT nextval(%s::regclass) FROM generate_series(1, %s))")
        params += [_sequence(type(group[0])), len(group)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        reserved = cursor.fetchone()
    for group, ids in zip(wanting, reserved, strict=True):
        for instance, pk in zip(group, ids, strict=True):
            instance.pk = pk


@cache
def _sequence(model: type[models.Model]) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column]
        )
        return cursor.fetchone()[0]


@cache
def _columns(model: type[models.Model]) -> tuple[tuple[Any, Any, bool, Any], ...]:
    """(column, field, stamped at insert, the field again if it is a relation) per column."""
    return tuple(
        (
            field.column,
            field,
            bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)),
            field if field.is_relation else None,
        )
        for field in model._meta.concrete_fields
    )


def _row(instance: models.Model, now: dt.datetime) -> dict[str, Any]:
    row = {}
    for column, field, stamped, relation in _columns(type(instance)):
        if stamped:  # as the ORM does: auto_now and auto_now_add are set at the INSERT
            value = now
            setattr(instance, field.attname, now)
        elif relation is not None:
            value = getattr(instance, field.attname)
            if value is None and relation.is_cached(instance):
                related = relation.get_cached_value(instance)
                if related is not None:
                    value = related.pk
                    # Past the descriptor, which would drop the cached related instance.
                    instance.__dict__[field.attname] = value
        else:
            value = getattr(instance, field.attname)
        row[column] = value
    return row


def _json(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
