"""Agent-side changes to a ticket: assign, move, status, priority. One writer each.

Every change records a TicketEvent (the audit, and triage's training data) and sends
`ticket.changed` after commit.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from helpdesk.models import Category, Queue, Status, Ticket
from helpdesk.services.events import ticket_changed_emit, ticket_event_record
from helpdesk.services.timeline import ticket_lock
from helpdesk.sla import services as sla


class TicketChangeError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def ticket_assign(ticket: Ticket, *, assignee: Any, actor: Any) -> Ticket:
    """Assign (or unassign with None). Atomic; no event when nothing changes."""
    with transaction.atomic():
        ticket = ticket_lock(ticket.pk)
        new_id = getattr(assignee, "pk", None)
        if ticket.assignee_id == new_id:
            return ticket
        old = ticket.assignee.get_username() if ticket.assignee else ""
        ticket.assignee = assignee
        ticket.save(update_fields=["assignee", "updated_at"])
        ticket_event_record(
            ticket,
            "assigned" if assignee else "unassigned",
            actor=actor,
            field="assignee",
            old=old,
            new=assignee.get_username() if assignee else "",
        )
        ticket_changed_emit(ticket, "assignee")
    return ticket


def ticket_status_set(ticket: Ticket, *, status: str, actor: Any) -> Ticket:
    if status not in Status.values:
        raise TicketChangeError("invalid_status", f"Estado desconocido: {status}")
    now = timezone.now()
    with transaction.atomic():
        ticket = ticket_lock(ticket.pk)
        old = ticket.status
        if old == status:
            return ticket
        ticket.status = status
        update = ["status", "updated_at"]
        if status == Status.RESOLVED:
            ticket.resolved_at = now
            update.append("resolved_at")
        if status == Status.CLOSED:
            ticket.closed_at = now
            update.append("closed_at")
        ticket.save(update_fields=update)
        ticket_event_record(
            ticket, "status_changed", actor=actor, field="status", old=old, new=status
        )
        sla.sla_status_changed(ticket, old, status, now=now)
        ticket_changed_emit(ticket, "status")
    return ticket


def ticket_move(
    ticket: Ticket, *, actor: Any, queue: Queue | None = None, category: str | None = None
) -> Ticket:
    """Move to another queue and/or fault area: a triage correction.

    Records `queue_changed` / `category_changed` events and teaches triage, in one transaction.
    """
    if category is not None and category not in Category.values:
        raise TicketChangeError("invalid_category", f"Área desconocida: {category}")
    from helpdesk.triage.services import triage_learn

    with transaction.atomic():
        ticket = ticket_lock(ticket.pk)
        changes: list[tuple[str, str, str]] = []
        if queue is not None and queue.pk != ticket.queue_id:
            changes.append(("queue", ticket.queue.slug, queue.slug))
            ticket.queue = queue
        if category is not None and category != ticket.category:
            changes.append(("category", ticket.category, category))
            ticket.category = category
        if not changes:
            return ticket
        ticket.needs_triage = False
        ticket.save(update_fields=["queue", "category", "needs_triage", "updated_at"])
        sla.sla_ticket_reclassified(ticket, now=timezone.now())
        for field, old, new in changes:
            ticket_event_record(
                ticket,
                f"{field}_changed",
                actor=actor,
                field=field,
                old=old,
                new=new,
                data={"triage_confidence": ticket.triage_confidence},
            )
            triage_learn(ticket, field=field, old=old, new=new)
        ticket_changed_emit(ticket, "moved")
    return ticket


def ticket_priority_set(ticket: Ticket, *, priority: int, actor: Any) -> Ticket:
    with transaction.atomic():
        ticket = ticket_lock(ticket.pk)
        old = ticket.priority
        if old == priority:
            return ticket
        ticket.priority = priority
        ticket.save(update_fields=["priority", "updated_at"])
        sla.sla_ticket_reclassified(ticket, now=timezone.now())
        ticket_event_record(
            ticket, "priority_changed", actor=actor, field="priority", old=old, new=priority
        )
        ticket_changed_emit(ticket, "priority")
    return ticket
