"""Supervisor writes: queue membership and agent chat capacity."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from channels_chat import groups
from helpdesk import realtime
from helpdesk.models import AgentProfile, Queue


class TeamError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def agent_team_set(user: Any, *, capacity: int, queue_slugs: Iterable[str], actor: Any) -> None:
    """Set an agent's chat capacity and the queues they work, atomically.

    Capacity must be 0-20; unknown queues are refused; nothing changes on error. Tells the
    dashboards (supervisors group) and the agent after commit.
    """
    if not 0 <= capacity <= 20:
        raise TeamError("capacity", "La capacidad de chat debe estar entre 0 y 20.")
    slugs = set(queue_slugs)
    queues = list(Queue.objects.filter(slug__in=slugs))
    if len(queues) != len(slugs):
        raise TeamError("queue", "Cola desconocida.")
    with transaction.atomic():
        profile = AgentProfile.objects.select_for_update().get(user=user)
        profile.chat_capacity = capacity
        profile.save(update_fields=["chat_capacity"])
        user.queues.set(queues)
        data = {
            "agent": user.pk,
            "capacity": capacity,
            "queues": sorted(slugs),
            "by": getattr(actor, "pk", None),
        }
        realtime.emit(
            [groups.supervisors_group(), groups.agent_group(user.pk)], "agent.team_changed", data
        )
