"""Shared fixtures. Real services only: PostgreSQL/SQLite via DATABASE_URL, Redis via REDIS_URL.

In CI (CI=true) a missing service is a failure, never a skip.
"""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

from tests.factories import queues_create, user_create

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_service(what: str, reason: str) -> None:
    """Skip locally, fail in CI, when a real service the test needs is missing."""
    message = f"{what} is not available: {reason}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(autouse=True)
def _clear_cache(settings):
    # Rate-limit counters live in the cache; each test starts with none.
    try:
        cache.clear()
    except Exception:  # noqa: S110 - a database cache table may not exist before migrate
        pass
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield


@pytest.fixture
def queues(db):
    return queues_create()


@pytest.fixture
def agent(queues):
    return user_create("agente1", queues=[queues["technical"]])


@pytest.fixture
def billing_agent(queues):
    return user_create("agente2", queues=[queues["billing"]])


@pytest.fixture
def supervisor(queues):
    from helpdesk.models import Role

    return user_create("supervisor1", role=Role.SUPERVISOR)
