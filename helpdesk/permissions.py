"""Who may see and work what: one place for the permission matrix."""

from __future__ import annotations

from typing import Any

from helpdesk.models import Role, Ticket


def role_of(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "agent_profile", None)
    return profile.role if profile is not None else None


def is_agent(user: Any) -> bool:
    return role_of(user) is not None


def is_supervisor(user: Any) -> bool:
    return role_of(user) in (Role.SUPERVISOR, Role.ADMIN)


def queue_ids_for(user: Any) -> list[int] | None:
    """Queue ids the user works; None means every queue (supervisors and admins)."""
    if is_supervisor(user):
        return None
    if not is_agent(user):
        return []
    return list(user.queues.values_list("id", flat=True))


def can_work_ticket(user: Any, ticket: Ticket) -> bool:
    queue_ids = queue_ids_for(user)
    return queue_ids is None or ticket.queue_id in queue_ids
