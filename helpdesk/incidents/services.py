"""Incidents: declare, link tickets (automatically and by hand), close with one update.

Every writer is atomic, records TicketEvents on the tickets it touches and sends its realtime
events after commit (status banners to the `public` group, ticket changes to agents).
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks import task

from channels_chat import groups
from helpdesk import realtime
from helpdesk.incidents.models import GeneralMessage, Incident, Severity
from helpdesk.incidents.selectors import GENERAL, incidents_active, status_payload
from helpdesk.models import Ticket
from helpdesk.models.tickets import OPEN_STATUSES
from helpdesk.services.events import ticket_changed_emit, ticket_event_record

SEVERITY_RANK: dict[str, int] = {Severity.CRITICAL: 3, Severity.MAJOR: 2, Severity.MINOR: 1}
SLA_REASON = "incident"

DEFAULT_CLOSING = _(
    "Buenas noticias: ya se resolvió la incidencia «%(title)s» que afectaba tu servicio. "
    "Si todavía notas el problema, reinicia el equipo y respóndenos por este mismo medio."
)


class IncidentError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def text_normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def incident_matches(incident: Incident, *, category: str, text: str) -> bool:
    """Pure rule: the fault area is affected and, when the incident lists keywords or regions,
    the customer's text mentions one of them."""
    if category not in (incident.areas or []):
        return False
    words = [*incident.keyword_list(), *[str(r) for r in incident.regions or []]]
    if not words:
        return True
    haystack = text_normalise(text)
    return any(text_normalise(word) in haystack for word in words if word.strip())


def status_emit() -> None:
    realtime.emit(
        [groups.public_group(), groups.supervisors_group()], "status.changed", status_payload()
    )


def incident_declare(
    *,
    title: str,
    message: str,
    areas: list[str],
    severity: str,
    starts_at: datetime | None = None,
    expected_end_at: datetime | None = None,
    regions: list[str] | None = None,
    keywords: str = "",
    pause_sla: bool = False,
    actor: Any = None,
) -> Incident:
    """Validate and create an incident; raises ValidationError (nothing saved) on bad input."""
    incident = Incident(
        title=title.strip(),
        message=message.strip(),
        areas=list(areas or []),
        regions=list(regions or []),
        keywords=keywords,
        severity=severity,
        starts_at=starts_at or timezone.now(),
        expected_end_at=expected_end_at,
        pause_sla=pause_sla,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    incident.full_clean()
    with transaction.atomic():
        incident.save()
        status_emit()
    return incident


def incident_for_new_ticket(*, category: str, subject: str, text: str) -> Incident | None:
    """The most severe active incident a new ticket with this area and text belongs to.

    Read from the process snapshot of unended incidents: no query. Intake calls it before the
    ticket's INSERT, so the SLA clock starts paused when the incident pauses SLAs.
    """
    candidates = [i for i in incidents_active() if category in (i.areas or [])]
    if not candidates:
        return None
    haystack = f"{subject}\n{text}"
    matching = [i for i in candidates if incident_matches(i, category=category, text=haystack)]
    if not matching:
        return None
    return max(matching, key=lambda i: (SEVERITY_RANK.get(i.severity, 0), i.starts_at))


def incident_link_event(incident: Incident, *, by: str = "auto") -> dict[str, Any]:
    """The `incident_linked` ticket event's fields (`by`: "auto" at intake, "agent")."""
    return {
        "field": "incident",
        "new": incident.pk,
        "data": {"incident": incident.pk, "by": by},
    }


def incident_link(ticket: Ticket, incident: Incident | None, *, actor: Any) -> Ticket:
    """Link (or unlink with None) by hand; pauses/resumes the SLA when the incident says so."""
    from helpdesk.sla.services import sla_pause, sla_resume

    now = timezone.now()
    with transaction.atomic():
        ticket = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("queue", "incident")
            .get(pk=ticket.pk)
        )
        old = ticket.incident
        if (old.pk if old else None) == (incident.pk if incident else None):
            return ticket
        if incident is not None:
            incident = Incident.objects.get(pk=incident.pk)  # its current state, not a copy
        if incident is not None and not incident.is_active:
            raise IncidentError("incident_closed", "El incidente ya está cerrado.")
        ticket.incident = incident
        ticket.save(update_fields=["incident", "updated_at"])
        if old is not None:
            ticket_event_record(
                ticket,
                "incident_unlinked",
                actor=actor,
                field="incident",
                old=old.pk,
                data={"incident": old.pk, "by": "agent"},
            )
            if old.pause_sla:
                sla_resume(ticket, SLA_REASON, now=now)
        if incident is not None:
            ticket_event_record(
                ticket, "incident_linked", actor=actor, **incident_link_event(incident, by="agent")
            )
            if incident.pause_sla and ticket.is_open:
                sla_pause(ticket, SLA_REASON, now=now)
        ticket_changed_emit(ticket, "incident")
    return ticket


def incident_close(
    incident: Incident,
    *,
    actor: Any = None,
    notify: bool = True,
    text: str = "",
    now: datetime | None = None,
) -> Incident:
    """End the incident now; resume paused clocks and (when `notify`) tell every linked open
    ticket's customer once, through their channel, in a durable job committed with the close."""
    now = now or timezone.now()
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.ended_at is not None:
            raise IncidentError("already_closed", "El incidente ya estaba cerrado.")
        incident.ended_at = max(now, incident.starts_at)
        incident.resolution_message = (
            (text or str(DEFAULT_CLOSING) % {"title": incident.title}) if notify else ""
        )
        incident.save(update_fields=["ended_at", "resolution_message"])
        incident_closed_process.enqueue(incident.pk)
        status_emit()
    return incident


@task()
def incident_closed_process(incident_id: int) -> int:
    """Durable job: resume SLA clocks and send the closing update to each linked ticket.

    Idempotent per ticket (an `incident_update_sent` event marks it), so a retried job never
    sends twice. Returns how many customers were notified.
    """
    from helpdesk.services.replies import ticket_notify
    from helpdesk.sla.services import sla_resume

    incident = Incident.objects.get(pk=incident_id)
    ended = incident.ended_at or timezone.now()
    sent = 0
    tickets = Ticket.objects.filter(incident=incident, status__in=OPEN_STATUSES).order_by("pk")
    for ticket in tickets.iterator(chunk_size=200):
        with transaction.atomic():
            locked = (
                Ticket.objects.select_for_update()
                .select_related("queue", "contact")
                .get(pk=ticket.pk)
            )
            if incident.pause_sla:
                sla_resume(locked, SLA_REASON, now=ended)
            already = locked.events.filter(
                kind="incident_update_sent", data__incident=incident.pk
            ).exists()
            if incident.resolution_message and not already:
                ticket_notify(locked, text=incident.resolution_message)
                ticket_event_record(locked, "incident_update_sent", data={"incident": incident.pk})
                sent += 1
    if incident.resolution_message:
        Incident.objects.filter(pk=incident.pk).update(update_sent_at=timezone.now())
    return sent


def general_message_set(text: str, *, ends_at: datetime | None = None) -> GeneralMessage | None:
    """Replace the "mensaje general" banner (empty text clears it)."""
    with transaction.atomic():
        GeneralMessage.objects.filter(active=True).update(active=False)
        GENERAL.invalidate()  # the update above sends no signal
        message = None
        if text.strip():
            message = GeneralMessage(text=text.strip(), ends_at=ends_at, active=True)
            message.full_clean()
            message.save()
        status_emit()
    return message
