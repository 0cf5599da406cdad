"""The acknowledgement a new email ticket's sender receives, and its per-sender rate limit."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from helpdesk.models import Ticket

ACK_LIMIT = 3  # acknowledgements per sender per window
ACK_WINDOW_SECONDS = 3600


def ack_allowed(sender: str) -> bool:
    """True at most ACK_LIMIT times per sender per hour (a runaway robot gets no flood back)."""
    limit = getattr(settings, "MAILIN_ACK_LIMIT", ACK_LIMIT)
    key = f"mailin:ack:{sender.lower()}"
    if cache.add(key, 1, ACK_WINDOW_SECONDS):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, ACK_WINDOW_SECONDS)
        count = 1
    return count <= limit


def ack_send(ticket: Ticket) -> None:
    """The helpdesk's acknowledgement (reference, team, due time, tracking link), by email."""
    from helpdesk.services.acknowledgements import ticket_acknowledge

    ticket_acknowledge(ticket)
