"""Reads of the live supervisor dashboard: one JSON-ready snapshot, a handful of queries."""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from helpdesk.models import AgentProfile, Queue, SlaState, Status, Ticket
from helpdesk.models.agents import Presence
from helpdesk.models.tickets import OPEN_STATUSES

LIST_LIMIT = 50


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _conversation_model() -> Any:
    """The live-chat app's Conversation, or None while that app has no such model."""
    try:
        return apps.get_model("channels_chat", "Conversation")
    except LookupError:
        return None


def today_start(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


def queues_snapshot() -> list[dict[str, Any]]:
    counts: dict[tuple[int, str], int] = {
        (row["queue_id"], row["status"]): row["n"]
        for row in Ticket.objects.filter(status__in=OPEN_STATUSES)
        .values("queue_id", "status")
        .annotate(n=Count("id"))
    }
    return [
        {
            "slug": queue.slug,
            "name": queue.name,
            "counts": {status: counts.get((queue.pk, status), 0) for status in OPEN_STATUSES},
            "total": sum(counts.get((queue.pk, status), 0) for status in OPEN_STATUSES),
        }
        for queue in Queue.objects.all()
    ]


def chats_snapshot(now: datetime) -> dict[str, Any]:
    model = _conversation_model()
    if model is None:
        return {"available": False, "waiting": 0, "active": 0, "longest_wait_seconds": 0}
    waiting = model.objects.filter(state__in=("waiting", "transferred"))
    oldest = waiting.order_by("waiting_since").values_list("waiting_since", flat=True).first()
    return {
        "available": True,
        "waiting": waiting.count(),
        "active": model.objects.filter(state="active").count(),
        "longest_wait_seconds": int((now - oldest).total_seconds()) if oldest else 0,
        "oldest_since": _iso(oldest),
    }


def agents_snapshot() -> list[dict[str, Any]]:
    model = _conversation_model()
    users = (
        get_user_model()
        .objects.filter(is_active=True, agent_profile__isnull=False)
        .select_related("agent_profile")
        .annotate(
            open_tickets=Count(
                "assigned_tickets", filter=Q(assigned_tickets__status__in=OPEN_STATUSES)
            )
        )
        .order_by("username")
    )
    chats: dict[int, int] = {}
    if model is not None:
        chats = dict(
            model.objects.filter(state="active", agent__isnull=False)
            .values("agent_id")
            .annotate(n=Count("id"))
            .values_list("agent_id", "n")
        )
    result = []
    for user in users:
        profile = user.agent_profile
        result.append(
            {
                "id": user.pk,
                "name": str(profile),
                "role": profile.role,
                "presence": profile.presence,
                "online": profile.presence == Presence.ONLINE,
                "open_tickets": user.open_tickets,  # type: ignore[attr-defined]
                "chats": chats.get(user.pk, 0),
                "capacity": profile.chat_capacity,
            }
        )
    return result


def _ticket_row(ticket: Ticket) -> dict[str, Any]:
    return {
        "reference": ticket.reference,
        "subject": ticket.subject,
        "queue": ticket.queue.slug,
        "status": ticket.status,
        "priority": ticket.priority,
        "assignee": str(getattr(ticket.assignee, "agent_profile", None) or ticket.assignee or ""),
        "sla_state": ticket.sla_state,
        "sla_due_at": _iso(ticket.sla_due_at),
        "created_at": _iso(ticket.created_at),
        "channel": ticket.channel,
        # Display labels in the active language (Spanish on the live socket).
        "queue_label": ticket.queue.name,
        "status_label": str(ticket.get_status_display()),
        "channel_label": str(ticket.get_channel_display()),
        "sla_label": str(ticket.get_sla_state_display()),
    }


def sla_lists() -> dict[str, list[dict[str, Any]]]:
    base = Ticket.objects.filter(status__in=OPEN_STATUSES).select_related(
        "queue", "assignee__agent_profile"
    )
    at_risk = base.filter(sla_state=SlaState.AT_RISK).order_by("sla_due_at")[:LIST_LIMIT]
    breached = base.filter(sla_state=SlaState.BREACHED).order_by("sla_due_at")[:LIST_LIMIT]
    return {
        "at_risk": [_ticket_row(t) for t in at_risk],
        "breached": [_ticket_row(t) for t in breached],
    }


def latest_tickets(limit: int = 10) -> list[dict[str, Any]]:
    rows = (
        Ticket.objects.filter(status__in=OPEN_STATUSES)
        .select_related("queue", "assignee__agent_profile")
        .order_by("-created_at")[:limit]
    )
    return [_ticket_row(t) for t in rows]


def first_responses_today(now: datetime) -> dict[str, Any]:
    start = today_start(now)
    pairs = list(
        Ticket.objects.filter(first_response_at__gte=start, first_response_at__lte=now).values_list(
            "created_at", "first_response_at"
        )[:5000]
    )
    minutes = sorted(
        (answered - created).total_seconds() / 60 for created, answered in pairs if answered
    )
    if not minutes:
        return {"count": 0, "average_minutes": None, "median_minutes": None, "p90_minutes": None}
    p90 = minutes[min(len(minutes) - 1, int(round(0.9 * (len(minutes) - 1))))]
    return {
        "count": len(minutes),
        "average_minutes": round(statistics.fmean(minutes), 1),
        "median_minutes": round(statistics.median(minutes), 1),
        "p90_minutes": round(p90, 1),
    }


def dashboard_snapshot(now: datetime | None = None) -> dict[str, Any]:
    """Everything the live dashboard shows, JSON-ready; sent on connect and after changes."""
    now = now or timezone.now()
    return {
        "type": "snapshot",
        "generated_at": now.isoformat(),
        "queues": queues_snapshot(),
        "statuses": {
            status: str(label) for status, label in Status.choices if status in OPEN_STATUSES
        },
        "chats": chats_snapshot(now),
        "agents": agents_snapshot(),
        "online_agents": AgentProfile.objects.filter(presence=Presence.ONLINE).count(),
        **sla_lists(),
        "latest": latest_tickets(),
        "first_response_today": first_responses_today(now),
    }
