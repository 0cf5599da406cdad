"""Appending to a ticket's timeline: the one place that assigns sequence numbers."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import F

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


def seq_next(ticket: Ticket) -> int:
    """Reserve the next sequence number; the row lock it takes orders concurrent writers.

    Must run inside the caller's transaction.
    """
    Ticket.objects.filter(pk=ticket.pk).update(last_seq=F("last_seq") + 1)
    seq = Ticket.objects.values_list("last_seq", flat=True).get(pk=ticket.pk)
    ticket.last_seq = seq
    return seq


def message_append(
    ticket: Ticket, *, files: Sequence[IncomingFile] = (), **fields: object
) -> Message:
    """Create the next Message of `ticket` (inside the caller's transaction) with its files.

    Files of a disallowed type or size are kept, marked quarantined, never dropped.
    """
    message = Message.objects.create(ticket=ticket, seq=seq_next(ticket), **fields)
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
