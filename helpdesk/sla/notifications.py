"""What happens when a clock turns at-risk or breached: live notices, breach email, escalation."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Count, Q
from django_tasks import task

from channels_chat import groups
from helpdesk import realtime
from helpdesk.models import Ticket
from helpdesk.models.agents import Role
from helpdesk.models.tickets import OPEN_STATUSES
from helpdesk.services.events import ticket_summary
from helpdesk.sla.models import SlaPolicy

log = logging.getLogger(__name__)

TARGET_LABELS = {
    "first_response": "primera respuesta",
    "next_response": "siguiente respuesta",
    "resolution": "resolución",
}


def supervisors_for(ticket: Ticket) -> list[Any]:
    """The queue's supervisors; every supervisor when the queue names none."""
    users = list(ticket.queue.supervisors.filter(is_active=True))
    if users:
        return users
    return list(
        get_user_model().objects.filter(
            is_active=True, agent_profile__role__in=(Role.SUPERVISOR, Role.ADMIN)
        )
    )


def sla_notify(ticket: Ticket, kind: str, target: str) -> None:
    """Tell the assignee and supervisors live (after commit)."""
    target_groups = [groups.supervisors_group(), groups.ticket_group(ticket.pk)]
    if ticket.assignee_id:
        target_groups.append(groups.agent_group(ticket.assignee_id))
    realtime.emit(
        target_groups, f"sla.{kind}", {"target": target, "ticket": ticket_summary(ticket)}
    )


@task()
def sla_breach_email(breaches: list[list[Any]]) -> int:
    """Durable job: email each breach ([ticket_id, target]) to the assignee and the queue's
    supervisors. One job per watcher batch, one email per breach. Returns emails sent."""
    return sum(_breach_email_send(int(ticket_id), str(target)) for ticket_id, target in breaches)


def _breach_email_send(ticket_id: int, target: str) -> int:
    ticket = Ticket.objects.select_related("queue", "assignee").filter(pk=ticket_id).first()
    if ticket is None:
        return 0
    recipients = {u.email for u in supervisors_for(ticket) if u.email}
    if ticket.assignee is not None and ticket.assignee.email:
        recipients.add(ticket.assignee.email)
    if not recipients:
        return 0
    label = TARGET_LABELS.get(target, target)
    subject = f"[SLA incumplido] {ticket.reference}: {label}"
    body = (
        f"El ticket {ticket.reference} ({ticket.subject}) incumplió su objetivo de {label}.\n"
        f"Cola: {ticket.queue.name_es}. Prioridad: {ticket.get_priority_display()}.\n"
    )
    return send_mail(subject, body, None, sorted(recipients))


def _least_loaded(users: list[Any]) -> Any:
    if not users:
        return None
    loads = dict(
        get_user_model()
        .objects.filter(pk__in=[u.pk for u in users])
        .annotate(n=Count("assigned_tickets", filter=Q(assigned_tickets__status__in=OPEN_STATUSES)))
        .values_list("pk", "n")
    )
    return min(users, key=lambda u: (loads.get(u.pk, 0), u.pk))


def sla_escalate(ticket: Ticket, policy: SlaPolicy | None) -> list[str]:
    """Escalate a breached ticket as its policy says; returns what was done."""
    from helpdesk.services.tickets import ticket_assign, ticket_priority_set
    from helpdesk.sla.services import priority_raised

    done: list[str] = []
    if policy is None:
        return done
    if policy.escalate_raise_priority and ticket.priority < priority_raised(ticket.priority):
        ticket_priority_set(ticket, priority=priority_raised(ticket.priority), actor=None)
        done.append("priority")
    if policy.escalate_to_supervisors:
        supervisor = _least_loaded(list(ticket.queue.supervisors.filter(is_active=True)))
        if supervisor is not None and ticket.assignee_id != supervisor.pk:
            ticket_assign(ticket, assignee=supervisor, actor=None)
            done.append("reassigned")
    return done
