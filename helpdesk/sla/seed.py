"""Demo calendars and SLA policies; idempotent (looked up by name, never duplicated)."""

from __future__ import annotations

from typing import Any

from helpdesk.models import Channel, Priority, Queue
from helpdesk.sla.models import BusinessCalendar, SlaPolicy

OFFICE_HOURS = {str(day): [["09:00", "18:00"]] for day in range(1, 6)} | {"6": [["09:00", "13:00"]]}

CALENDARS: list[dict[str, Any]] = [
    {
        "name": "24/7",
        "timezone": "America/Mexico_City",
        "always_open": True,
        "hours": {},
        "holidays": [],
    },
    {
        "name": "Oficina Ciudad de México",
        "timezone": "America/Mexico_City",
        "always_open": False,
        "hours": OFFICE_HOURS,
        "holidays": [
            "2026-01-01",
            "2026-02-02",
            "2026-03-16",
            "2026-05-01",
            "2026-09-16",
            "2026-11-16",
            "2026-12-25",
            "2027-01-01",
            "2027-02-01",
            "2027-03-15",
            "2027-05-01",
            "2027-09-16",
            "2027-11-15",
            "2027-12-25",
        ],
    },
    {
        "name": "Oficina Asunción",
        "timezone": "America/Asuncion",
        "always_open": False,
        "hours": OFFICE_HOURS,
        "holidays": [
            "2026-01-01",
            "2026-03-01",
            "2026-04-02",
            "2026-04-03",
            "2026-05-01",
            "2026-05-14",
            "2026-05-15",
            "2026-06-12",
            "2026-08-15",
            "2026-09-29",
            "2026-12-08",
            "2026-12-25",
            "2027-01-01",
            "2027-03-01",
            "2027-05-01",
            "2027-05-14",
            "2027-05-15",
            "2027-12-08",
            "2027-12-25",
        ],
    },
]

BUSINESS_DAY = 9 * 60  # minutes of a Monday-Friday office day

POLICIES: list[dict[str, Any]] = [
    {
        "name": "Aclaraciones de cuenta: respuesta por escrito en 24 horas",
        "order": 10,
        "clarification": True,
        "calendar": "24/7",
        "first_response_minutes": 24 * 60,
        "next_response_minutes": 24 * 60,
        "escalate_to_supervisors": True,
    },
    {
        "name": "Chat en vivo: primera respuesta en 2 minutos",
        "order": 20,
        "channel": Channel.CHAT,
        "agents_online": True,
        "calendar": "24/7",
        "first_response_minutes": 2,
        "next_response_minutes": 5,
        "at_risk_ratio": 0.5,
    },
    {
        "name": "Urgente: resolución en 4 horas",
        "order": 30,
        "priority": Priority.URGENT,
        "calendar": "24/7",
        "first_response_minutes": 30,
        "next_response_minutes": 60,
        "resolution_minutes": 4 * 60,
        "escalate_to_supervisors": True,
    },
    {
        "name": "Alta: resolución en 1 día hábil",
        "order": 40,
        "priority": Priority.HIGH,
        "calendar": "Oficina Ciudad de México",
        "first_response_minutes": 4 * 60,
        "next_response_minutes": 4 * 60,
        "resolution_minutes": BUSINESS_DAY,
        "escalate_raise_priority": True,
    },
    {
        "name": "Soporte técnico: primera respuesta en 8 horas hábiles",
        "order": 50,
        "queue": "technical",
        "calendar": "Oficina Ciudad de México",
        "first_response_minutes": 8 * 60,
        "next_response_minutes": 8 * 60,
        "resolution_minutes": 5 * BUSINESS_DAY,
        "escalate_raise_priority": True,
    },
    {
        "name": "Ventas: primera respuesta en 8 horas hábiles",
        "order": 60,
        "queue": "sales",
        "calendar": "Oficina Ciudad de México",
        "first_response_minutes": 8 * 60,
        "resolution_minutes": 5 * BUSINESS_DAY,
    },
    {
        "name": "Facturación y saldo (predeterminada)",
        "order": 90,
        "calendar": "Oficina Asunción",
        "first_response_minutes": 8 * 60,
        "next_response_minutes": 8 * 60,
        "resolution_minutes": 3 * BUSINESS_DAY,
    },
]


def seed(stdout: Any) -> None:
    created = 0
    calendars = {}
    for values in CALENDARS:
        values = dict(values)
        calendar, made = BusinessCalendar.objects.get_or_create(
            name=values.pop("name"), defaults=values
        )
        calendar.full_clean()
        calendars[calendar.name] = calendar
        created += made
    queues = {queue.slug: queue for queue in Queue.objects.all()}
    for values in POLICIES:
        values = dict(values)
        queue_slug = values.pop("queue", None)
        if queue_slug and queue_slug not in queues:
            continue
        values["queue"] = queues.get(queue_slug) if queue_slug else None
        values["calendar"] = calendars[values.pop("calendar")]
        _policy, made = SlaPolicy.objects.get_or_create(name=values.pop("name"), defaults=values)
        created += made
    stdout.write(f"SLA: {created} calendarios/políticas nuevos")
