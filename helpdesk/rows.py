"""Inserting new rows of several related tables at once, in two statements on PostgreSQL.

Opening a ticket writes a row in five tables (ticket, messages, audit events, SLA clock, clock
events). Through the ORM that is five `bulk_create` calls, each compiled, adapted value by value
and sent on its own round trip: most of a web-form ticket's CPU. `instances_insert` writes the
same rows with one statement that draws every primary key from the tables' sequences and one
that inserts all the rows, each table's rows travelling as a single JSON document. Rows no
other row of the write points at (a chat line's message) take their ids from the INSERT
itself: one statement in all.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar, cast

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, models
from django.db.models.base import ModelState
from django.db.models.signals import post_init, pre_init
from django.utils.functional import Promise

_M = TypeVar("_M", bound=models.Model)


def instances_insert(*groups: Sequence[models.Model]) -> None:
    """Insert the new instances of each group, a group's rows referring only to earlier groups.

    Afterwards every instance has its primary key and every foreign key that pointed at an
    instance of an earlier group holds that instance's id, exactly as `bulk_create` group by
    group would leave them (which is what runs on databases other than PostgreSQL). On
    PostgreSQL: one statement reserves the ids from the tables' own sequences (not for the
    last group, when no other row points at it: its INSERT returns them), one inserts all
    rows (one data-modifying CTE per table); the caller's transaction makes it all or nothing.
    """
    rows_write(insert=groups)


def rows_write(
    *,
    insert: Sequence[Sequence[models.Model]] = (),
    update: Sequence[tuple[Sequence[models.Model], Sequence[str]]] = (),
    log: Sequence[models.Model] = (),
) -> None:
    """Write several tables' rows at once: new instances (`insert`, as `instances_insert`),
    changed fields of saved instances (`update`: instances and the field names to write), and
    `log` rows (new, of any models, numbered by the table itself, their ids never read:
    audit entries; one INSERT per model).

    On PostgreSQL all in one statement (plus one drawing the ids of `insert`'s rows when there
    are any); elsewhere `bulk_create`, `save(update_fields=...)` / `bulk_update`.
    """
    groups = [group for group in insert if group]
    updates = [(rows, fields) for rows, fields in update if rows]
    if not (groups or updates or log):
        return
    if connection.vendor != "postgresql":
        for group in [*groups, *_by_model(log)]:
            if group:
                type(group[0]).objects.bulk_create(group)  # type: ignore[attr-defined]
        for rows, fields in updates:
            if len(rows) == 1:
                rows[0].save(update_fields=fields)
                continue
            now = dt.datetime.now(tz=dt.UTC)
            for name in fields:  # bulk_update leaves auto_now fields alone
                if getattr(type(rows[0])._meta.get_field(name), "auto_now", False):
                    for instance in rows:
                        setattr(instance, name, now)
            type(rows[0]).objects.bulk_update(rows, fields)  # type: ignore[attr-defined]
        return
    # The last group's ids come back from its own INSERT (RETURNING) when nothing else in
    # the statement points at its rows: no statement drawing them first (a chat line's
    # message, whose SLA clock rows point at the ticket).
    returning = (
        groups[-1] if groups and _numbered_by_insert(groups[-1], groups, updates, log) else []
    )
    reserved = groups[:-1] if returning else groups
    if reserved:
        _ids_reserve(reserved)
    now = dt.datetime.now(tz=dt.UTC)
    statements, params = [], []
    for rows, fields in updates:
        sql, update_params = _update(rows, fields, now)
        statements.append(sql)
        params.extend(update_params)
    for group in reserved:
        table = connection.ops.quote_name(type(group[0])._meta.db_table)
        statements.append(
            f"INSERT INTO {table} SELECT * FROM json_populate_recordset(NULL::{table}, %s)"  # noqa: S608
        )
        params.append(json.dumps([_row(instance, now) for instance in group], default=_json))
    for rows in _by_model(log):
        statements.append(_log_insert(type(rows[0])))
        params.append(json.dumps([_row(instance, now) for instance in rows], default=_json))
    if returning:
        model = type(returning[0])
        statements.append(f"{_log_insert(model)} RETURNING {_pk_column(model)}")
        params.append(json.dumps([_row(instance, now) for instance in returning], default=_json))
    *ctes, last = statements
    sql = last
    if ctes:
        sql = "WITH " + ", ".join(f"w{n} AS ({s})" for n, s in enumerate(ctes)) + " " + last
    ids: list[Any] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            # INSERT ... SELECT returns its rows in the order of the document (as the ORM's
            # bulk_create relies on too).
            ids = [row[0] for row in cursor.fetchall()]
    for instance, pk in zip(returning, ids, strict=True):
        instance.pk = pk
    for group in [*groups, log]:
        for instance in group:
            instance._state.adding = False
            instance._state.db = connection.alias


def _by_model(rows: Sequence[models.Model]) -> list[list[models.Model]]:
    """`rows` per model, in order of first appearance (each model's rows in their order)."""
    grouped: dict[type[models.Model], list[models.Model]] = {}
    for instance in rows:
        grouped.setdefault(type(instance), []).append(instance)
    return list(grouped.values())


def _numbered_by_insert(
    group: Sequence[models.Model],
    groups: Sequence[Sequence[models.Model]],
    updates: Sequence[tuple[Sequence[models.Model], Sequence[str]]],
    log: Sequence[models.Model],
) -> bool:
    """Whether `group`'s rows can take their ids from the table at the INSERT: all new, with
    an auto-increment key, and no other row of the statement refers to one of them."""
    model = type(group[0])
    if not isinstance(model._meta.pk, models.fields.AutoFieldMixin):
        return False
    if any(instance.pk is not None for instance in group):
        return False
    wanted = {id(instance) for instance in group}
    others = [
        *(instance for other in groups if other is not group for instance in other),
        *(instance for rows, _fields in updates for instance in rows),
        *log,
    ]
    for instance in others:
        for _column, field, _stamped, relation in _columns(type(instance)):
            if (
                relation is not None
                and getattr(instance, field.attname) is None
                and relation.is_cached(instance)
                and id(relation.get_cached_value(instance)) in wanted
            ):
                return False
    return True


@cache
def _pk_column(model: type[models.Model]) -> str:
    return connection.ops.quote_name(str(model._meta.pk.column))


def _update(
    rows: Sequence[models.Model], fields: Sequence[str], now: dt.datetime
) -> tuple[str, list[Any]]:
    sql, pk, chosen = _update_plan(type(rows[0]), tuple(fields))
    for field in chosen:
        if getattr(field, "auto_now", False):
            for instance in rows:
                setattr(instance, field.attname, now)
    document = json.dumps(
        [
            {pk: instance.pk, **{f.column: getattr(instance, f.attname) for f in chosen}}
            for instance in rows
        ],
        default=_json,
    )
    return sql, [document, [instance.pk for instance in rows]]


@cache
def _update_plan(
    model: type[models.Model], fields: tuple[str, ...]
) -> tuple[str, str, tuple[Any, ...]]:
    """The UPDATE of `fields` from a JSON document and an array of the rows' keys, the
    document's key column and the fields: the same for every chat turn, so worked out once.

    The key array is for the planner: it takes a JSON document for 100 rows, and joined
    that to a table of a few hundred rows (a new installation's) by reading all of it, a
    choice a prepared statement keeps; `= ANY` of the keys makes it look the rows up by
    primary key, as it should for the few a write has.
    """
    meta = model._meta
    table = connection.ops.quote_name(meta.db_table)
    pk = connection.ops.quote_name(str(meta.pk.column))
    key_type = meta.pk.db_type(connection)
    chosen: tuple[Any, ...] = tuple(meta.get_field(name) for name in fields)
    columns = [connection.ops.quote_name(field.column) for field in chosen]
    assignments = ", ".join(f"{column} = r.{column}" for column in columns)
    sql = (
        f"UPDATE {table} AS t SET {assignments} "  # noqa: S608
        f"FROM json_populate_recordset(NULL::{table}, %s) AS r "
        f"WHERE t.{pk} = r.{pk} AND t.{pk} = ANY(%s::{key_type}[])"
    )
    return sql, str(meta.pk.column), chosen


@cache
def _log_insert(model: type[models.Model]) -> str:
    """INSERT of rows without their ids: the table's identity column numbers them."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(
        connection.ops.quote_name(str(field.column))
        for field in model._meta.concrete_fields
        if not field.primary_key
    )
    return (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608
        f"SELECT {columns} FROM json_populate_recordset(NULL::{table}, %s)"
    )


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


def instance_new(model: type[_M], **values: Any) -> _M:
    """`model(**values)` for a new row in a fraction of its CPU (the mail intake builds several
    thousand a second): the same attributes, cached related instances and `_state`, written
    straight into the instance instead of field by field through `Model.__init__` and the
    descriptors (tested against the constructor).

    `values` names concrete fields only (a many-to-one relation by its name with an instance,
    or by its attname with an id). Anything else, a model with init signals, database routers
    (they decide `_state.db`) or a related instance the constructor would refuse go through the
    model's own constructor, which then behaves (or raises) as usual.
    """
    plan = _plan(model)
    if plan is None or not values.keys() <= plan.names or settings.DATABASE_ROUTERS:
        return model(**values)
    instance = model.__new__(model)
    state = ModelState()
    attributes = instance.__dict__
    attributes["_state"] = state
    attributes.update(plan.defaults)
    for attname, default in plan.calls:
        attributes[attname] = default()
    cache: dict[str, Any] = {}
    for name, value in values.items():
        relation = plan.relations.get(name)
        if relation is None:
            attributes[name] = value
            continue
        attname, target, related_model = relation
        cache[name] = value
        if value is None:
            attributes[attname] = None
            continue
        if not isinstance(value, related_model):
            return model(**values)
        # As the descriptor does without routers: both sides end up on one database.
        if state.db is None:
            state.db = value._state.db or DEFAULT_DB_ALIAS
        if value._state.db is None:
            value._state.db = state.db
        elif value._state.db != state.db:
            return model(**values)
        attributes[attname] = getattr(value, target)
    if cache:
        state.fields_cache = cache
    return instance


@dataclass(frozen=True)
class _Plan:
    names: frozenset[str]  # accepted keywords
    defaults: dict[str, Any]  # attname -> default, in field order (as get_default gives it)
    calls: tuple[tuple[str, Any], ...]  # attname, callable default (a new value per instance)
    relations: dict[str, tuple[str, str, type[models.Model]]]  # name -> attname, target, model


@cache
def _plan(model: type[models.Model]) -> _Plan | None:
    meta = model._meta
    if len(meta.fields) != len(meta.concrete_fields) or any(
        getattr(field, "generated", False) for field in meta.fields
    ):
        return None
    if pre_init.has_listeners(model) or post_init.has_listeners(model):
        return None
    names: set[str] = set()
    defaults: dict[str, Any] = {}
    calls: list[tuple[str, Any]] = []
    relations: dict[str, tuple[str, str, type[models.Model]]] = {}
    for field in meta.concrete_fields:
        names.add(field.attname)
        if field.has_default() and callable(field.default):
            defaults[field.attname] = None  # keeps the field's place; called per instance
            calls.append((field.attname, field.get_default))
        else:
            defaults[field.attname] = field.get_default()
        if isinstance(field, models.ForeignKey) and not isinstance(field, models.OneToOneField):
            if len(field.foreign_related_fields) != 1:
                return None
            names.add(field.name)
            related = cast(type[models.Model], field.related_model)
            relations[field.name] = (field.attname, field.target_field.attname, related)
    return _Plan(frozenset(names), defaults, tuple(calls), relations)
