"""The three standard queues every installation has."""

from __future__ import annotations

from helpdesk.models import Queue

# slug, Spanish name, English name, order
DEFAULT_QUEUES = (
    ("technical", "Soporte técnico", "Technical support", 1),
    ("billing", "Facturación y saldo", "Billing and balance", 2),
    ("sales", "Ventas", "Sales", 3),
)


def queues_ensure() -> dict[str, Queue]:
    """The standard queues by slug, created when missing (names of existing ones are kept)."""
    result = {}
    for slug, name_es, name_en, order in DEFAULT_QUEUES:
        queue, _created = Queue.objects.get_or_create(
            slug=slug, defaults={"name_es": name_es, "name_en": name_en, "order": order}
        )
        result[slug] = queue
    return result
