"""One change to several tickets at once, from the agent list: take, release, status, queue.

Each ticket goes through the same writer as on its own page (`services/tickets.py`), so each
records its own audit event, SLA clock change and `ticket.changed` notice. The whole batch is
one transaction: either every ticket the agent may work is changed, or (an error half-way)
none is. Tickets outside the agent's queues are left alone and counted as refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.db import transaction

from helpdesk.models import Queue, Status, Ticket
from helpdesk.selectors import tickets_visible
from helpdesk.services.tickets import (
    TicketChangeError,
    ticket_assign,
    ticket_move,
    ticket_status_set,
)

MAX_TICKETS = 100

Verb = Literal["take", "release", "status", "queue"]


@dataclass(frozen=True)
class BulkAction:
    verb: Verb
    value: str = ""  # the status for "status", the queue slug for "queue"


@dataclass(frozen=True)
class BulkResult:
    changed: int
    unchanged: int
    refused: int


def bulk_action_parse(raw: str) -> BulkAction:
    """`take`, `release`, `status:<status>` or `queue:<slug>`; anything else is refused.

    Pure: the queue slug's existence is checked when applied."""
    verb, _, value = (raw or "").partition(":")
    if verb in ("take", "release") and not value:
        return BulkAction(verb)  # type: ignore[arg-type]
    if verb == "status" and value in Status.values:
        return BulkAction("status", value)
    if verb == "queue" and value:
        return BulkAction("queue", value)
    raise TicketChangeError("invalid_action", f"Acción desconocida: {raw!r}")


def tickets_bulk_apply(user: Any, references: list[str], action: BulkAction) -> BulkResult:
    """Apply `action` to the tickets named by `references` that `user` may work. Atomic."""
    wanted = sorted(set(references))
    if not wanted:
        raise TicketChangeError("no_tickets", "No elegiste ningún ticket.")
    if len(wanted) > MAX_TICKETS:
        raise TicketChangeError("too_many", f"A lo sumo {MAX_TICKETS} tickets a la vez.")
    queue = None
    if action.verb == "queue":
        queue = Queue.objects.filter(slug=action.value).first()
        if queue is None:
            raise TicketChangeError("invalid_queue", f"Cola desconocida: {action.value}")
    changed = unchanged = 0
    with transaction.atomic():
        # Locked one by one in id order by the writers: two batches never wait on each other
        # in a circle.
        tickets = list(tickets_visible(user).filter(reference__in=wanted).order_by("pk"))
        field = _FIELDS[action.verb]
        for ticket in tickets:
            after = _apply(ticket, user, action, queue)
            if getattr(after, field) != getattr(ticket, field):
                changed += 1
            else:
                unchanged += 1
    return BulkResult(changed, unchanged, refused=len(wanted) - len(tickets))


_FIELDS = {"take": "assignee_id", "release": "assignee_id", "status": "status", "queue": "queue_id"}


def _apply(ticket: Ticket, user: Any, action: BulkAction, queue: Queue | None) -> Ticket:
    if action.verb == "take":
        return ticket_assign(ticket, assignee=user, actor=user)
    if action.verb == "release":
        return ticket_assign(ticket, assignee=None, actor=user)
    if action.verb == "status":
        return ticket_status_set(ticket, status=action.value, actor=user)
    return ticket_move(ticket, actor=user, queue=queue)
