"""Aggregates behind the dashboard charts (the SVG is drawn by `charts`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from helpdesk.models import Category, Channel, Queue, Ticket
from helpdesk.sla.models import SlaClockEvent
from helpdesk.supervisor import charts
from helpdesk.supervisor.selectors import today_start

FRT_BINS: list[tuple[str, timedelta | None]] = [
    ("< 15 min", timedelta(minutes=15)),
    ("15-60 min", timedelta(hours=1)),
    ("1-4 h", timedelta(hours=4)),
    ("4-8 h", timedelta(hours=8)),
    ("8-24 h", timedelta(hours=24)),
    ("> 24 h", None),
]


def compliance_by_queue(now: datetime, days: int = 30) -> tuple[list[str], dict[str, list]]:
    """Per queue and local day: met / (met + breached) targets, in percent (None: no data)."""
    start = today_start(now) - timedelta(days=days - 1)
    rows = (
        SlaClockEvent.objects.filter(at__gte=start, at__lte=now, kind__in=("met", "breached"))
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day", "ticket__queue_id", "kind")
        .annotate(n=Count("id"))
    )
    table: dict[tuple[Any, int], dict[str, int]] = {}
    for row in rows:
        table.setdefault((row["day"], row["ticket__queue_id"]), {})[row["kind"]] = row["n"]
    dates = [(start + timedelta(days=i)).date() for i in range(days)]
    series: dict[str, list[float | None]] = {}
    for queue in Queue.objects.all():
        line: list[float | None] = []
        for day in dates:
            cell = table.get((day, queue.pk), {})
            total = cell.get("met", 0) + cell.get("breached", 0)
            line.append(round(100 * cell.get("met", 0) / total, 1) if total else None)
        series[queue.name] = line
    return [d.strftime("%d/%m") for d in dates], series


def first_response_distribution(now: datetime, days: int = 30) -> list[tuple[str, float]]:
    since = now - timedelta(days=days)
    frt = ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())
    qs = Ticket.objects.filter(created_at__gte=since, first_response_at__isnull=False).annotate(
        frt=frt
    )
    aggregates: dict[str, Any] = {}
    lower: timedelta | None = None
    for index, (_label, upper) in enumerate(FRT_BINS):
        condition = Q()
        if lower is not None:
            condition &= Q(frt__gte=lower)
        if upper is not None:
            condition &= Q(frt__lt=upper)
        aggregates[f"b{index}"] = Count("id", filter=condition)
        lower = upper
    counts = qs.aggregate(**aggregates)
    return [(label, float(counts[f"b{i}"] or 0)) for i, (label, _u) in enumerate(FRT_BINS)]


def channel_by_area(now: datetime, days: int = 30) -> list[tuple[str, dict[str, float]]]:
    since = now - timedelta(days=days)
    table: dict[str, dict[str, float]] = {}
    for row in (
        Ticket.objects.filter(created_at__gte=since)
        .values("category", "channel")
        .annotate(n=Count("id"))
    ):
        table.setdefault(row["category"], {})[row["channel"]] = float(row["n"])
    return [(str(label), table[value]) for value, label in Category.choices if value in table]


def breaches_by_agent(now: datetime, days: int = 30) -> list[tuple[str, float]]:
    since = now - timedelta(days=days)
    rows = (
        SlaClockEvent.objects.filter(kind="breached", at__gte=since)
        .values("ticket__assignee__username", "ticket__assignee__agent_profile__display_name")
        .annotate(n=Count("id"))
        .order_by("-n")[:15]
    )
    return [
        (
            row["ticket__assignee__agent_profile__display_name"]
            or row["ticket__assignee__username"]
            or "Sin asignar",
            float(row["n"]),
        )
        for row in rows
    ]


def dashboard_charts(now: datetime | None = None) -> dict[str, str]:
    """The four dashboard charts as SVG strings (safe to mark_safe: every text is escaped)."""
    now = now or timezone.now()
    labels, series = compliance_by_queue(now)
    channels = [(value, str(label)) for value, label in Channel.choices]
    return {
        "compliance": charts.line_chart(
            "Cumplimiento de SLA por cola (30 días)", labels, series, y_max=100, unit="%"
        ),
        "first_response": charts.bar_chart(
            "Tiempo de primera respuesta (30 días)", first_response_distribution(now)
        ),
        "channel_area": charts.stacked_hbar_chart(
            "Tickets por área y canal (30 días)", channel_by_area(now), channels
        ),
        "breaches": charts.hbar_chart(
            "Incumplimientos por agente (30 días)", breaches_by_agent(now)
        ),
    }
