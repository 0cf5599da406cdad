"""Report tables with filters, as lazy row iterators (the CSV export streams them whole)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from helpdesk.models import Ticket
from helpdesk.sla.models import SlaClockEvent


@dataclass(frozen=True)
class ReportFilters:
    date_from: date | None = None
    date_to: date | None = None
    queue: str = ""
    agent: str = ""
    channel: str = ""
    policy: int | None = None

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.date_from, time.min, tzinfo=tz) if self.date_from else None
        end = (
            datetime.combine(self.date_to + timedelta(days=1), time.min, tzinfo=tz)
            if self.date_to
            else None
        )
        return start, end


def _fmt(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    return "" if value is None else value


def _minutes(later: datetime | None, earlier: datetime | None) -> str:
    if later is None or earlier is None:
        return ""
    return f"{(later - earlier).total_seconds() / 60:.1f}"


def tickets_queryset(filters: ReportFilters) -> QuerySet[Ticket]:
    qs = Ticket.objects.all()
    start, end = filters.bounds()
    if start:
        qs = qs.filter(created_at__gte=start)
    if end:
        qs = qs.filter(created_at__lt=end)
    if filters.queue:
        qs = qs.filter(queue__slug=filters.queue)
    if filters.agent:
        qs = qs.filter(assignee__username=filters.agent)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.policy:
        qs = qs.filter(sla_policy_id=filters.policy)
    return qs


def tickets_rows(filters: ReportFilters) -> Iterator[list[Any]]:
    qs = (
        tickets_queryset(filters)
        .order_by("created_at", "id")
        .values_list(
            "reference",
            "created_at",
            "queue__slug",
            "category",
            "channel",
            "status",
            "priority",
            "assignee__username",
            "sla_policy__name",
            "sla_state",
            "sla_due_at",
            "first_response_at",
            "resolved_at",
            "incident_id",
        )
    )
    for row in qs.iterator(chunk_size=2000):
        values = list(row)
        first = _minutes(row[11], row[1])  # type: ignore[arg-type]
        yield [_fmt(v) for v in values[:12]] + [first, _fmt(values[12]), _fmt(values[13])]


TICKET_HEADER = [
    "referencia",
    "creado",
    "cola",
    "área",
    "canal",
    "estado",
    "prioridad",
    "asignado",
    "política",
    "estado_sla",
    "vence_sla",
    "primera_respuesta",
    "minutos_primera_respuesta",
    "resuelto",
    "incidente",
]


def sla_events_rows(filters: ReportFilters) -> Iterator[list[Any]]:
    qs = SlaClockEvent.objects.all()
    start, end = filters.bounds()
    if start:
        qs = qs.filter(at__gte=start)
    if end:
        qs = qs.filter(at__lt=end)
    if filters.queue:
        qs = qs.filter(ticket__queue__slug=filters.queue)
    if filters.agent:
        qs = qs.filter(ticket__assignee__username=filters.agent)
    if filters.channel:
        qs = qs.filter(ticket__channel=filters.channel)
    if filters.policy:
        qs = qs.filter(policy_id=filters.policy)
    rows = qs.order_by("at", "id").values_list(
        "ticket__reference",
        "kind",
        "target",
        "at",
        "due_at",
        "policy__name",
        "ticket__queue__slug",
        "ticket__assignee__username",
        "ticket__channel",
    )
    for row in rows.iterator(chunk_size=2000):
        yield [_fmt(v) for v in row]


SLA_EVENT_HEADER = [
    "referencia",
    "evento",
    "objetivo",
    "momento",
    "vencimiento",
    "política",
    "cola",
    "asignado",
    "canal",
]

REPORTS: dict[str, tuple[str, list[str], Any]] = {
    "tickets": ("Tickets", TICKET_HEADER, tickets_rows),
    "sla": ("Eventos de SLA", SLA_EVENT_HEADER, sla_events_rows),
}


def report_rows(name: str, filters: ReportFilters) -> tuple[list[str], Iterator[list[Any]]]:
    _title, header, rows = REPORTS[name]
    return header, rows(filters)
