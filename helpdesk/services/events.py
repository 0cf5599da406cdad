"""Ticket audit events and the realtime notices that go with them."""

from __future__ import annotations

from typing import Any

from channels_chat import groups
from helpdesk import realtime
from helpdesk.models import Message, Ticket, TicketEvent
from helpdesk.rows import instance_new


def ticket_event_record(ticket: Ticket, kind: str, **fields: Any) -> TicketEvent:
    """Record one audit event now (see `ticket_event_new` for the fields)."""
    event = ticket_event_new(ticket, kind, **fields)
    event.save(force_insert=True)
    return event


def ticket_event_new(
    ticket: Ticket,
    kind: str,
    *,
    actor: Any = None,
    field: str = "",
    old: object = "",
    new: object = "",
    data: dict | None = None,
) -> TicketEvent:
    """An unsaved audit event (several are inserted together with `bulk_create`)."""
    return instance_new(
        TicketEvent,
        ticket=ticket,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        field=field,
        old_value="" if old is None else str(old)[:255],
        new_value="" if new is None else str(new)[:255],
        data=data or {},
    )


def ticket_summary(ticket: Ticket) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "subject": ticket.subject,
        "queue": ticket.queue.slug,
        "category": ticket.category,
        "channel": ticket.channel,
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": ticket.assignee_id,
        "clarification": ticket.clarification,
        "sla_due_at": ticket.sla_due_at.isoformat() if ticket.sla_due_at else None,
        "sla_state": ticket.sla_state,
        "updated_at": ticket.updated_at.isoformat() if ticket.updated_at else None,
    }


def message_payload(message: Message) -> dict[str, Any]:
    return {
        "ticket": message.ticket.reference,
        "seq": message.seq,
        "id": message.client_id,
        "from": message.author_kind,
        "name": message.author_name,
        "channel": message.channel,
        "text": message.text,
        "internal": message.internal,
        "at": message.created_at.isoformat(),
    }


def ticket_groups(ticket: Ticket, *, fresh: bool = False) -> list[str]:
    """Who hears about a ticket. A `fresh` ticket (inserted by the transaction that emits) has
    no listeners on its own groups yet: nobody could know its id before the commit."""
    result = [] if fresh else [groups.ticket_group(ticket.pk)]
    result += [groups.queue_group(ticket.queue.slug), groups.supervisors_group()]
    if ticket.assignee_id:
        result.append(groups.agent_group(ticket.assignee_id))
    return result


def ticket_changed_emit(ticket: Ticket, change: str, *, fresh: bool = False) -> None:
    realtime.emit(
        ticket_groups(ticket, fresh=fresh),
        "ticket.changed",
        {"change": change, "ticket": ticket_summary(ticket)},
    )


def message_added_emit(message: Message, *, fresh: bool = False) -> None:
    """Tell agents' screens (and, for public turns, the conversation) after commit."""
    ticket = message.ticket
    target = ticket_groups(ticket, fresh=fresh)
    if not message.internal and not fresh:
        target.append(groups.ticket_public_group(ticket.pk))
    realtime.emit(
        target,
        "message.added",
        {"message": message_payload(message), "ticket": ticket_summary(ticket)},
    )
