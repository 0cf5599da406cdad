"""Plain factory functions for the models tests need (no magic, explicit defaults)."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model

from helpdesk.models import AgentProfile, Queue, Role
from helpdesk.services.queues import queues_ensure

_counter = itertools.count(1)


def queues_create() -> dict[str, Queue]:
    return queues_ensure()


def user_create(
    username: str | None = None,
    *,
    role: str = Role.AGENT,
    queues: list[Queue] | tuple = (),
    password: str = "clave-segura-123",
    capacity: int = 3,
):
    username = username or f"user{next(_counter)}"
    user = get_user_model().objects.create_user(
        username=username,
        password=password,
        email=f"{username}@helpdesk.example",
        first_name=username.capitalize(),
        is_staff=role in (Role.SUPERVISOR, Role.ADMIN),
    )
    AgentProfile.objects.create(
        user=user, role=role, chat_capacity=capacity, display_name=username.capitalize()
    )
    for queue in queues:
        queue.members.add(user)
    return user
