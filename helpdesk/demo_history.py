"""Thirty days of demo history so the supervisor's charts have something to show.

Every ticket goes through the real services (intake, triage, SLA, replies); only its timestamps
are moved back afterwards. Deterministic (fixed random seed) and idempotent.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from helpdesk.models import Message, Status, Ticket, TicketEvent
from helpdesk.services.acknowledgements import ticket_submit
from helpdesk.services.intake import Inbound
from helpdesk.services.replies import ticket_reply
from helpdesk.services.tickets import ticket_status_set
from helpdesk.sla.models import SlaClockEvent

DOMAIN = "historial.example"
SAMPLES = [
    ("web", "No tengo señal en la casa desde la mañana, dice sin servicio."),
    ("email", "Los datos están lentísimos, no carga ni el WhatsApp."),
    ("web", "Hice una recarga de 50 y no se acreditó el saldo."),
    ("chat", "No me llegan los mensajes de texto del banco."),
    ("email", "En las llamadas no me escuchan, se corta el audio."),
    ("web", "¿Cómo configuro el APN en mi celular nuevo?"),
    ("email", "Me cobraron dos veces la factura de este mes, quiero una aclaración."),
    ("web", "Quiero contratar un plan con más gigas."),
    ("chat", "Mi saldo se descuenta solo sin usar el teléfono."),
    ("web", "El estado de cuenta no cuadra con mis pagos."),
]
NAMES = ["Ana", "Luis", "Carmen", "Jorge", "Sofía", "Diego", "Elena", "Raúl", "Paola", "Hugo"]


def _shift(ticket: Ticket, delta: timedelta, opened: Any) -> None:
    """Move a ticket's history back by `delta`, with its opening at `opened`."""
    fields: dict[str, Any] = {}
    for name in (
        "created_at",
        "updated_at",
        "first_response_at",
        "last_customer_message_at",
        "last_agent_message_at",
        "resolved_at",
        "closed_at",
        "sla_due_at",
    ):
        value = getattr(ticket, name)
        if value is not None:
            fields[name] = value - delta
    fields["created_at"] = opened
    Ticket.objects.filter(pk=ticket.pk).update(**fields)
    for model, column in (
        (Message, "created_at"),
        (TicketEvent, "created_at"),
        (SlaClockEvent, "at"),
    ):
        for row in model.objects.filter(ticket=ticket):  # type: ignore[attr-defined]
            model.objects.filter(pk=row.pk).update(**{column: getattr(row, column) - delta})


def history_seed(stdout: Any, days: int = 30, per_day: int = 6) -> int:
    """Create `days * per_day` closed or answered tickets spread over the past days."""
    if Ticket.objects.filter(contact__email__endswith="@" + DOMAIN).exists():
        return 0
    rng = random.Random(20261122)  # noqa: S311 - demo data, not security
    users = get_user_model()
    agents = {
        "technical": users.objects.get(username="agente1"),
        "billing": users.objects.get(username="agente2"),
        "sales": users.objects.get(username="agente3"),
    }
    created = 0
    now = timezone.now()
    for day in range(days, 0, -1):
        for index in range(per_day):
            channel, text = SAMPLES[(day * per_day + index) % len(SAMPLES)]
            name = NAMES[(day + index) % len(NAMES)]
            ticket = ticket_submit(
                Inbound(
                    channel=channel,
                    name=f"{name} {day}",
                    text=text,
                    email=f"{name.lower()}.{day}.{index}@{DOMAIN}",
                )
            ).ticket
            agent = agents.get(ticket.queue.slug, agents["technical"])
            ticket_reply(ticket, author=agent, text="Gracias por escribirnos, ya lo revisamos.")
            if rng.random() < 0.8:
                ticket_status_set(ticket, status=Status.RESOLVED, actor=agent)
            ticket.refresh_from_db()
            # Most answers come within minutes; some come late enough to breach.
            answer_minutes = rng.choice([3, 8, 15, 25, 40, 70, 120, 300, 600, 1600])
            opened = now - timedelta(days=day) + timedelta(hours=rng.randint(8, 19))
            delta = (ticket.first_response_at or now) - (opened + timedelta(minutes=answer_minutes))
            _shift(ticket, delta, opened)
            if ticket.sla_policy and answer_minutes > (
                ticket.sla_policy.first_response_minutes or 0
            ):
                SlaClockEvent.objects.filter(ticket=ticket, kind="met").update(kind="met_late")
                SlaClockEvent.objects.create(
                    ticket=ticket,
                    kind="breached",
                    target="first_response",
                    at=opened + timedelta(minutes=ticket.sla_policy.first_response_minutes or 0),
                    policy=ticket.sla_policy,
                )
            created += 1
    stdout.write(f"Historial de demostración: {created} tickets en {days} días.")
    return created
