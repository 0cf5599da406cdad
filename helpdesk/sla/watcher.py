"""One pass of the SLA watcher: at-risk and breached at the minute, reminders, auto-close.

Detection is set-based: an indexed range query on `TicketClock.due_at` / `risk_at` claims a
batch of rows (FOR UPDATE SKIP LOCKED, so a second watcher never double-counts). Python visits
only those tickets, marks their overdue targets, records their events, notifies and escalates;
the batch's clocks, the tickets' mirrored state and the events are then written with one
statement each.
"""

from __future__ import annotations

import time as clock_time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Status, Ticket, TicketEvent
from helpdesk.rows import rows_write
from helpdesk.sla import state
from helpdesk.sla.clocks import MIRROR_FIELDS, clock_mirrored, event_rows
from helpdesk.sla.models import SlaClockEvent, TicketClock
from helpdesk.sla.notifications import sla_breach_email, sla_escalate, sla_notify

BATCH = 1000
MAX_BATCHES = 1000


@dataclass
class WatchResult:
    at: str
    at_risk: list[str] = field(default_factory=list)
    breached: list[str] = field(default_factory=list)
    escalated: list[str] = field(default_factory=list)
    reminders: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def _claim(column: str, now: datetime) -> list[int]:
    # A deadline is met up to and including its instant; it is breached only after it.
    lookup = "lt" if column == "due_at" else "lte"
    return list(
        TicketClock.objects.select_for_update(skip_locked=True)
        .filter(**{f"{column}__{lookup}": now})
        .order_by(column)
        .values_list("ticket_id", flat=True)[:BATCH]
    )


@dataclass
class _Batch:
    """What one claimed batch writes in bulk at its end."""

    clocks: list[TicketClock] = field(default_factory=list)
    mirrors: list[Ticket] = field(default_factory=list)  # tickets whose SLA copy changed
    events: list[SlaClockEvent] = field(default_factory=list)
    breaches: list[list[Any]] = field(default_factory=list)

    def flush(self) -> None:
        rows_write(
            update=[(self.clocks, CLOCK_FIELDS), (self.mirrors, MIRROR_FIELDS)], log=self.events
        )
        if self.breaches:
            sla_breach_email.enqueue(self.breaches)


CLOCK_FIELDS = ["state", "target", "due_at", "risk_at", "targets", "breached", "updated_at"]


def _visit(
    clock: TicketClock, ticket: Ticket, now: datetime, result: WatchResult, batch: _Batch
) -> None:
    events: list[state.ClockEvent | None] = []
    breached: list[str] = []
    for name, target in clock.targets.items():
        if target["state"] != state.RUNNING:
            continue
        due, risk = state._dt(target.get("due")), state._dt(target.get("risk"))
        if due is not None and due < now:
            target["state"] = state.BREACHED
            events.append(state.ClockEvent("breached", name, due))
            breached.append(name)
        elif risk is not None and risk <= now and not target.get("warned"):
            target["warned"] = True
            events.append(state.ClockEvent("at_risk", name, due))
            result.at_risk.append(ticket.reference)
            sla_notify(ticket, "at_risk", name)
    state.refresh(clock)
    batch.clocks.append(clock)
    if clock_mirrored(ticket, clock):
        batch.mirrors.append(ticket)
    batch.events.extend(event_rows(ticket, clock, events, now))
    for name in breached:
        result.breached.append(ticket.reference)
        sla_notify(ticket, "breached", name)
        batch.breaches.append([ticket.pk, name])
    if breached and sla_escalate(ticket, clock.policy):
        result.escalated.append(ticket.reference)


def _sweep(column: str, now: datetime, result: WatchResult) -> None:
    for _batch in range(MAX_BATCHES):
        with transaction.atomic():
            ids = _claim(column, now)
            if not ids:
                return
            snapshot = {
                c.ticket_id: c
                for c in TicketClock.objects.filter(ticket_id__in=ids).select_related(
                    "policy__calendar"
                )
            }
            tickets = Ticket.objects.filter(id__in=ids).select_related("queue", "assignee")
            batch = _Batch()
            for ticket in tickets:
                _visit(snapshot[ticket.pk], ticket, now, result, batch)
            batch.flush()


def _waiting_rules() -> tuple[timedelta, timedelta]:
    rules = getattr(settings, "HELPDESK", {})
    remind = float(rules.get("WAITING_REMINDER_HOURS", 48))
    close = float(rules.get("WAITING_AUTOCLOSE_HOURS", 96))
    return timedelta(hours=remind), timedelta(hours=close)


REMINDER_TEXT = _(
    "Seguimos pendientes de tu respuesta para continuar con tu caso %(reference)s. "
    "Si no recibimos noticias tuyas, lo cerraremos automáticamente el %(when)s. "
    "Si ya se resolvió, no necesitas hacer nada."
)


def reminder_text(ticket: Ticket, closes: datetime) -> str:
    """The reminder in the customer's language, with the closing time in the project's zone."""
    local = timezone.localtime(closes)
    with translation.override(ticket.language or settings.LANGUAGE_CODE):
        return str(REMINDER_TEXT) % {
            "reference": ticket.reference,
            "when": f"{local:%d/%m/%Y %H:%M} ({settings.TIME_ZONE})",
        }


def waiting_sweep(now: datetime, result: WatchResult) -> None:
    """Remind customers we wait on, then close the tickets that stayed silent after it."""
    from helpdesk.services.replies import ticket_notify
    from helpdesk.services.tickets import ticket_status_set

    remind_after, close_after = _waiting_rules()
    reminded = TicketEvent.objects.filter(
        ticket=OuterRef("pk"),
        kind="waiting_reminder",
        created_at__gte=OuterRef("last_agent_message_at"),
    )
    due_reminders = (
        Ticket.objects.filter(status=Status.WAITING, last_agent_message_at__lte=now - remind_after)
        .exclude(Exists(reminded))
        .select_related("queue", "contact")[:BATCH]
    )
    for ticket in due_reminders:
        with transaction.atomic():
            closes = (ticket.last_agent_message_at or now) + close_after
            ticket_notify(
                ticket,
                text=reminder_text(ticket, closes),
            )
            TicketEvent.objects.create(
                ticket=ticket, kind="waiting_reminder", data={"closes_at": closes.isoformat()}
            )
        result.reminders.append(ticket.reference)
    to_close = (
        Ticket.objects.filter(status=Status.WAITING, last_agent_message_at__lte=now - close_after)
        .filter(Exists(reminded))
        .select_related("queue", "contact")[:BATCH]
    )
    for ticket in to_close:
        ticket_status_set(ticket, status=Status.CLOSED, actor=None)
        result.closed.append(ticket.reference)


def sla_watch_pass(now: datetime, *, waiting: bool = True) -> WatchResult:
    """Evaluate every clock at `now`; idempotent (a second pass at the same instant is empty)."""
    started = clock_time.perf_counter()
    result = WatchResult(at=now.isoformat())
    _sweep("due_at", now, result)
    _sweep("risk_at", now, result)
    if waiting:
        waiting_sweep(now, result)
    result.seconds = round(clock_time.perf_counter() - started, 4)
    return result
