"""Appending to a ticket's timeline: the one place that assigns sequence numbers."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Field
from django.utils import timezone

from helpdesk.models import Attachment, Message, Ticket
from helpdesk.rowread import instances_read
from helpdesk.sla.clocks import clock_lock_join, clock_lock_keep


@dataclass(frozen=True)
class IncomingFile:
    filename: str
    content_type: str
    content: bytes
    inline: bool = False


def attachment_allowed(content_type: str, size: int) -> bool:
    rules = settings.HELPDESK
    return (
        content_type.split(";")[0].strip().lower() in rules["ALLOWED_ATTACHMENT_TYPES"]
        and size <= rules["MAX_ATTACHMENT_BYTES"]
    )


def ticket_lock(ticket_id: int) -> Ticket:
    """The ticket's row locked for the caller's transaction, with its queue and contact.

    Every writer of a ticket's timeline takes this lock first, so concurrent writers queue.
    """
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("queue", "contact")
        .get(pk=ticket_id)
    )


def ticket_lock_next(
    ticket_id: int,
    *,
    now: datetime,
    stamp: Mapping[str, object] | None = None,
    stamp_if_empty: Mapping[str, object] | None = None,
    count: int = 1,
    clock: bool = False,
) -> Ticket:
    """Lock the ticket's row and reserve its next sequence number(s), in one statement.

    UPDATE ... RETURNING takes the same row lock as `ticket_lock` (concurrent writers queue
    behind it) and also writes `updated_at` and the `stamp` fields (e.g. the time of the
    last customer message) and, where still empty, the `stamp_if_empty` fields (first
    response time). The ticket comes back with `last_seq` = the (last) reserved number
    (pass `reserved=True` to `message_append`) and its queue from the process snapshot; its
    contact loads on first use. `count` reserves that many numbers, up to `last_seq`.
    `clock`: the caller moves the ticket's SLA clock next, in this transaction; on
    PostgreSQL the same statement locks and reads it (`helpdesk.sla.clocks.clock_lock_join`).
    """
    return tickets_lock_next(
        {ticket_id: count}, now=now, stamp=stamp, stamp_if_empty=stamp_if_empty, clocks=clock
    )[ticket_id]


def tickets_lock_next(
    counts: Mapping[int, int],
    *,
    now: datetime,
    stamp: Mapping[str, object] | None = None,
    stamp_if_empty: Mapping[str, object] | None = None,
    clocks: bool = False,
) -> dict[int, Ticket]:
    """`ticket_lock_next` for several tickets: `counts` maps a ticket id to how many numbers
    to reserve. Rows are locked in id order, so two batches sharing tickets never deadlock.

    On PostgreSQL one statement for one ticket, two for several (the ordered lock, then one
    UPDATE ... FROM ... RETURNING); elsewhere one UPDATE per ticket, in id order. `clocks`:
    as for `ticket_lock_next`, each ticket's clock is locked and read by the same statement.
    Raises `Ticket.DoesNotExist` when one of them does not exist.
    """
    ids = sorted(counts)
    table = connection.ops.quote_name(Ticket._meta.db_table)
    assignments, params = _stamps(now, stamp, stamp_if_empty)
    postgres = connection.vendor == "postgresql"
    if postgres and len(ids) > 1:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE",  # noqa: S608
                [ids],
            )
            found = {row[0] for row in cursor.fetchall()}
        if missing := [pk for pk in ids if pk not in found]:
            raise Ticket.DoesNotExist(missing[0])
        update = (
            f"UPDATE {table} AS t SET last_seq = t.last_seq + v.n, {', '.join(assignments)} "  # noqa: S608
            "FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::integer[]) AS n) AS v "
            "WHERE t.id = v.id RETURNING t.*"
        )
        queries = [(update, [*params, ids, [counts[pk] for pk in ids]])]
    else:
        update = (
            f"UPDATE {table} SET last_seq = last_seq + %s, {', '.join(assignments)} "  # noqa: S608
            "WHERE id = %s RETURNING *"
        )
        queries = [(update, [counts[pk], *params, pk]) for pk in ids]
    with_clock = clocks and postgres
    if with_clock:
        columns, join = clock_lock_join("locked.id")
        queries = [
            (f"WITH locked AS ({sql}) SELECT locked.*, {columns} FROM locked {join}", query)  # noqa: S608
            for sql, query in queries
        ]
    tickets: dict[int, Ticket] = {}
    with connection.cursor() as cursor:
        for sql, query in queries:
            cursor.execute(sql, query)
            for ticket in instances_read(Ticket, cursor):
                if with_clock:
                    clock_lock_keep(ticket)
                tickets[ticket.pk] = _with_queue(ticket)
    if missing := [pk for pk in ids if pk not in tickets]:
        raise Ticket.DoesNotExist(missing[0])
    return tickets


def _stamps(
    now: datetime,
    stamp: Mapping[str, object] | None,
    stamp_if_empty: Mapping[str, object] | None,
) -> tuple[list[str], list[Any]]:
    assignments = ["updated_at = %s"]
    params: list[Any] = [now]
    for values, template in ((stamp, "{0} = %s"), (stamp_if_empty, "{0} = COALESCE({0}, %s)")):
        for name, value in (values or {}).items():
            field = Ticket._meta.get_field(name)
            assert isinstance(field, Field)
            assignments.append(template.format(connection.ops.quote_name(str(field.column))))
            params.append(field.get_db_prep_save(value, connection))
    return assignments, params


def _with_queue(ticket: Ticket) -> Ticket:
    from helpdesk.services.queues import queue_by_id

    ticket.queue = queue_by_id(ticket.queue_id)
    return ticket


def seq_next(ticket: Ticket) -> int:
    """Reserve the next sequence number; the row lock it takes orders concurrent writers.

    Must run inside the caller's transaction. One statement (UPDATE ... RETURNING) on both
    PostgreSQL and SQLite; it also stamps the ticket's `updated_at`.
    """
    table = connection.ops.quote_name(Ticket._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_seq = last_seq + 1, updated_at = %s "  # noqa: S608
            "WHERE id = %s RETURNING last_seq",
            [now, ticket.pk],
        )
        row = cursor.fetchone()
    if row is None:
        raise Ticket.DoesNotExist(ticket.pk)
    ticket.last_seq = int(row[0])
    ticket.updated_at = now
    return ticket.last_seq


def message_append(
    ticket: Ticket,
    *,
    files: Sequence[IncomingFile] = (),
    reserved: bool = False,
    **fields: object,
) -> Message:
    """Create the next Message of `ticket` (inside the caller's transaction) with its files.

    `reserved`: `ticket.last_seq` is already this message's number (a ticket created in this
    transaction with `last_seq=1`, or one locked by `ticket_lock_next`).
    Files of a disallowed type or size are kept, marked quarantined, never dropped.
    """
    seq = ticket.last_seq if reserved else seq_next(ticket)
    message = Message.objects.create(ticket=ticket, seq=seq, **fields)
    attachments_store(message, files)
    return message


def attachments_store(message: Message, files: Sequence[IncomingFile]) -> None:
    """Save `files` through the storage API and record them on `message` (caller's transaction).

    Files of a disallowed type or size are kept, marked quarantined, never dropped.
    """
    for incoming in files:
        attachment = Attachment(
            message=message,
            filename=incoming.filename[:255] or "adjunto",
            content_type=(incoming.content_type or "application/octet-stream")[:120],
            size=len(incoming.content),
            sha256=hashlib.sha256(incoming.content).hexdigest(),
            inline=incoming.inline,
            quarantined=not attachment_allowed(incoming.content_type, len(incoming.content)),
        )
        attachment.file.save(attachment.filename, ContentFile(incoming.content), save=False)
        attachment.save()
