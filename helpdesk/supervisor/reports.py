"""Report tables with filters, as lazy row iterators (the CSV export streams them whole)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from helpdesk.models import Ticket
from helpdesk.models.tickets import OPEN_STATUSES
from helpdesk.sla.models import SlaClockEvent


@dataclass(frozen=True)
class ReportFilters:
    date_from: date | None = None
    date_to: date | None = None
    queue: str = ""
    agent: str = ""
    channel: str = ""
    policy: int | None = None
    sla_state: str = ""
    open_only: bool = False

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


def _filtered(
    qs: QuerySet, filters: ReportFilters, *, at: str, ticket: str, policy: str
) -> QuerySet:
    """The filters every report shares; `at` is the date field, `ticket` the path to the
    ticket ("" or "ticket__"), `policy` the policy field."""
    start, end = filters.bounds()
    conditions: dict[str, Any] = {}
    if start:
        conditions[f"{at}__gte"] = start
    if end:
        conditions[f"{at}__lt"] = end
    if filters.queue:
        conditions[f"{ticket}queue__slug"] = filters.queue
    if filters.agent:
        conditions[f"{ticket}assignee__username"] = filters.agent
    if filters.channel:
        conditions[f"{ticket}channel"] = filters.channel
    if filters.policy:
        conditions[policy] = filters.policy
    return qs.filter(**conditions)


def tickets_queryset(filters: ReportFilters) -> QuerySet[Ticket]:
    qs = _filtered(
        Ticket.objects.all(), filters, at="created_at", ticket="", policy="sla_policy_id"
    )
    if filters.sla_state:
        qs = qs.filter(sla_state=filters.sla_state)
    if filters.open_only:
        qs = qs.filter(status__in=OPEN_STATUSES)
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
    rows = (
        _events(filters)
        .order_by("at", "id")
        .values_list(
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


def _events(filters: ReportFilters) -> QuerySet[SlaClockEvent]:
    return _filtered(
        SlaClockEvent.objects.all(), filters, at="at", ticket="ticket__", policy="policy_id"
    )


def compliance_rows(filters: ReportFilters) -> Iterator[list[Any]]:
    """Per queue and local day: targets met, breached and the compliance percentage."""
    rows = (
        _events(filters)
        .filter(kind__in=("met", "breached"))
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("ticket__queue__slug", "day")
        .annotate(
            met=Count("id", filter=Q(kind="met")), breached=Count("id", filter=Q(kind="breached"))
        )
        .order_by("day", "ticket__queue__slug")
    )
    for row in rows.iterator(chunk_size=2000):
        total = row["met"] + row["breached"]
        yield [
            row["day"].isoformat(),
            row["ticket__queue__slug"],
            row["met"],
            row["breached"],
            f"{100 * row['met'] / total:.1f}" if total else "",
        ]


COMPLIANCE_HEADER = ["día", "cola", "cumplidos", "incumplidos", "cumplimiento_%"]


def agents_rows(filters: ReportFilters) -> Iterator[list[Any]]:
    """Per agent: open tickets now, tickets answered first and breaches in the period."""
    start, end = filters.bounds()
    tickets = tickets_queryset(
        ReportFilters(queue=filters.queue, channel=filters.channel, policy=filters.policy)
    )
    open_now = dict(
        tickets.filter(status__in=OPEN_STATUSES, assignee__isnull=False)
        .values_list("assignee__username")
        .annotate(n=Count("id"))
    )
    answered = tickets.filter(first_response_at__isnull=False, assignee__isnull=False)
    if start:
        answered = answered.filter(first_response_at__gte=start)
    if end:
        answered = answered.filter(first_response_at__lt=end)
    frt = ExpressionWrapper(F("first_response_at") - F("created_at"), output_field=DurationField())
    answered_by: dict[str, Any] = {
        row["assignee__username"]: row
        for row in answered.annotate(frt=frt)
        .values("assignee__username")
        .annotate(n=Count("id"), avg=Avg("frt"))
    }
    breaches = dict(
        _events(filters)
        .filter(kind="breached", ticket__assignee__isnull=False)
        .values_list("ticket__assignee__username")
        .annotate(n=Count("id"))
    )
    names = sorted(set(open_now) | set(answered_by) | set(breaches))
    if filters.agent:
        names = [n for n in names if n == filters.agent]
    for name in names:
        row = answered_by.get(name, {})
        average = row.get("avg")
        yield [
            name,
            open_now.get(name, 0),
            row.get("n", 0),
            f"{average.total_seconds() / 60:.1f}" if average else "",
            breaches.get(name, 0),
        ]


AGENTS_HEADER = [
    "agente",
    "abiertos_ahora",
    "primeras_respuestas",
    "minutos_promedio_1a_resp",
    "incumplimientos",
]

REPORTS: dict[str, tuple[str, list[str], Any]] = {
    "tickets": ("Tickets", TICKET_HEADER, tickets_rows),
    "sla": ("Eventos de SLA", SLA_EVENT_HEADER, sla_events_rows),
    "compliance": ("Cumplimiento por cola y día", COMPLIANCE_HEADER, compliance_rows),
    "agents": ("Agentes", AGENTS_HEADER, agents_rows),
}


def report_rows(name: str, filters: ReportFilters) -> tuple[list[str], Iterator[list[Any]]]:
    _title, header, rows = REPORTS[name]
    return header, rows(filters)
