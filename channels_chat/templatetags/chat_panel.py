"""Data the agent chat panel needs at render time (transfer targets)."""

from __future__ import annotations

from typing import Any

from django import template

from channels_chat.selectors import agent_display
from helpdesk.models import Queue
from helpdesk.services.queues import queues_ordered

register = template.Library()


@register.simple_tag
def chat_transfer_targets() -> list[dict[str, Any]]:
    """Every queue with its active agents by user name, for the transfer menu (one query)."""
    members: dict[int, list[dict[str, Any]]] = {}
    memberships = (
        Queue.members.through.objects.filter(user__is_active=True)
        .select_related("user__agent_profile")
        .order_by("user__username")
    )
    for membership in memberships:
        user = membership.user
        members.setdefault(membership.queue_id, []).append(
            {"id": user.pk, "name": agent_display(user)}
        )
    return [
        {"slug": queue.slug, "name": queue.name, "agents": members.get(queue.pk, [])}
        for queue in queues_ordered()
    ]
