"""The three standard queues every installation has."""

from __future__ import annotations

from helpdesk.models import Queue
from helpdesk.snapshots import Snapshot

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


def _queues_load() -> dict[str, Queue]:
    return {queue.slug: queue for queue in Queue.objects.all()}


QUEUES = Snapshot("queues", _queues_load)


def queues_ordered() -> list[Queue]:
    """Every queue in display order (Queue.Meta.ordering), from the process snapshot."""
    return sorted(QUEUES.get().values(), key=lambda queue: (queue.order, queue.slug))


def queue_by_slug(slug: str) -> Queue:
    """The queue with this slug from the process snapshot (the database if it is newer)."""
    queue = QUEUES.get().get(slug)
    return queue if queue is not None else Queue.objects.get(slug=slug)


def queue_by_id(queue_id: int) -> Queue:
    """The queue with this id from the process snapshot (the database if it is newer)."""
    for queue in QUEUES.get().values():
        if queue.pk == queue_id:
            return queue
    return Queue.objects.get(pk=queue_id)
