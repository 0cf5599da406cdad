"""SLA clock hooks called by the intake, reply and ticket services.

First version: one first-response target per policy on a 24/7 calendar. The full engine
(calendars, pauses, next response, resolution) replaces the bodies, not the signatures.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from helpdesk.models import Message, SlaState, Ticket
from helpdesk.sla.models import SlaClockEvent, SlaPolicy


def sla_policy_select(ticket: Ticket) -> SlaPolicy | None:
    """First active policy, by order, whose non-empty selectors all match the ticket."""
    for policy in SlaPolicy.objects.filter(active=True).order_by("order", "id"):
        if policy.queue_id and policy.queue_id != ticket.queue_id:
            continue
        if policy.category and policy.category != ticket.category:
            continue
        if policy.clarification is not None and policy.clarification != ticket.clarification:
            continue
        if policy.priority and policy.priority != ticket.priority:
            continue
        if policy.channel and policy.channel != ticket.channel:
            continue
        return policy
    return None


def sla_ticket_opened(ticket: Ticket, *, now: datetime) -> None:
    policy = sla_policy_select(ticket)
    ticket.sla_policy = policy
    if policy and policy.first_response_minutes:
        ticket.sla_due_at = now + timedelta(minutes=policy.first_response_minutes)
        ticket.sla_state = SlaState.RUNNING
        SlaClockEvent.objects.create(ticket=ticket, kind="started", target="first_response",
                                     at=now, due_at=ticket.sla_due_at, policy=policy)
    else:
        ticket.sla_due_at = None
        ticket.sla_state = SlaState.MET
    ticket.save(update_fields=["sla_policy", "sla_due_at", "sla_state"])


def sla_customer_messaged(ticket: Ticket, *, now: datetime) -> None:
    """A customer wrote again on an existing ticket (next-response target in the full engine)."""


def sla_agent_replied(ticket: Ticket, message: Message, *, now: datetime) -> None:
    """A written answer to the customer: meets the running first-response target."""
    if ticket.sla_state in (SlaState.MET,) or ticket.sla_due_at is None:
        return
    kind = "met" if now <= ticket.sla_due_at else "met_late"
    SlaClockEvent.objects.create(ticket=ticket, kind=kind, target="first_response", at=now,
                                 due_at=ticket.sla_due_at, policy=ticket.sla_policy)
    ticket.sla_state = SlaState.MET if kind == "met" else SlaState.BREACHED
    ticket.save(update_fields=["sla_state"])


def sla_status_changed(ticket: Ticket, old: str, new: str, *, now: datetime) -> None:
    """Status moved (pauses while waiting on the customer in the full engine)."""
