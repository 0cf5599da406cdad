"""Appending to a ticket's timeline: the one place that assigns sequence numbers."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone

from helpdesk.models import Attachment, Message, Ticket


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
    first: bool = False,
    **fields: object,
) -> Message:
    """Create the next Message of `ticket` (inside the caller's transaction) with its files.

    `first` is for a ticket created in this transaction with `last_seq=1` already reserved.
    Files of a disallowed type or size are kept, marked quarantined, never dropped.
    """
    seq = 1 if first else seq_next(ticket)
    message = Message.objects.create(ticket=ticket, seq=seq, **fields)
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
    return message
