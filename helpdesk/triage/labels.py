"""Queues and fault areas as triage names them, and which queue works each area."""

from __future__ import annotations

QUEUES: tuple[str, ...] = ("technical", "billing", "sales")
TECHNICAL_CATEGORIES: tuple[str, ...] = ("connection", "data", "sms", "calls", "device", "other")
CATEGORIES: tuple[str, ...] = TECHNICAL_CATEGORIES[:-1] + ("billing", "sales", "other")

_CATEGORY_ES = {
    "connection": "conexión y cobertura",
    "data": "datos móviles",
    "sms": "SMS y MMS",
    "calls": "llamadas y audio",
    "device": "configuración del equipo",
    "billing": "facturación y saldo",
    "sales": "ventas y planes",
    "other": "otro",
}
_QUEUE_ES = {"technical": "técnica", "billing": "facturación", "sales": "ventas"}


def queue_of(category: str) -> str:
    """The queue that works a fault area: billing and sales their own, the rest technical."""
    return category if category in ("billing", "sales") else "technical"


def category_label(category: str) -> str:
    return _CATEGORY_ES.get(category, category)


def queue_label(queue: str) -> str:
    return _QUEUE_ES.get(queue, queue)
