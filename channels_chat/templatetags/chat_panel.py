"""Data the agent chat panel needs at render time (transfer targets)."""

from __future__ import annotations

from typing import Any

from django import template

from channels_chat.selectors import agent_display
from helpdesk.models import Queue

register = template.Library()


@register.simple_tag
def chat_transfer_targets() -> list[dict[str, Any]]:
    """Every queue with its agents, for the transfer menu."""
    return [
        {
            "slug": queue.slug,
            "name": queue.name,
            "agents": [
                {"id": user.pk, "name": agent_display(user)}
                for user in queue.members.filter(is_active=True)
                .select_related("agent_profile")
                .order_by("username")
            ],
        }
        for queue in Queue.objects.prefetch_related("members").order_by("order", "slug")
    ]
