"""Shared builders for SLA tests: tickets opened at a chosen instant, policies, calendars."""

from __future__ import annotations

import io
import json
from datetime import datetime

from django.core.management import call_command
from django.db import transaction

from helpdesk.models import Contact, Ticket
from helpdesk.references import reference_new
from helpdesk.sla.models import BusinessCalendar, SlaPolicy
from helpdesk.sla.services import sla_ticket_opened

OFFICE = {str(d): [["09:00", "18:00"]] for d in range(1, 6)} | {"6": [["09:00", "13:00"]]}


def always() -> BusinessCalendar:
    return BusinessCalendar.objects.get_or_create(
        name="24/7 test", defaults={"timezone": "America/Mexico_City", "always_open": True}
    )[0]


def office(tz: str = "America/Mexico_City", holidays=()) -> BusinessCalendar:
    return BusinessCalendar.objects.get_or_create(
        name=f"office {tz}",
        defaults={
            "timezone": tz,
            "always_open": False,
            "hours": OFFICE,
            "holidays": list(holidays),
        },
    )[0]


def policy(**values) -> SlaPolicy:
    values.setdefault("name", "p")
    values.setdefault("calendar", always())
    return SlaPolicy.objects.create(**values)


def ticket_open(
    queue,
    *,
    at: datetime,
    channel: str = "email",
    clarification: bool = False,
    email: str = "cliente@example.com",
    **fields,
) -> Ticket:
    with transaction.atomic():
        contact, _ = Contact.objects.get_or_create(email=email, defaults={"name": "Cliente"})
        ticket = Ticket.objects.create(
            reference=reference_new(),
            subject="Aclaración de cargo",
            queue=queue,
            channel=channel,
            contact=contact,
            clarification=clarification,
            **fields,
        )
        sla_ticket_opened(ticket, now=at)
    ticket.refresh_from_db()
    return ticket


def watch(at: datetime | str) -> dict:
    out = io.StringIO()
    call_command("sla_watch", "--at", at if isinstance(at, str) else at.isoformat(), stdout=out)
    return json.loads(out.getvalue())
