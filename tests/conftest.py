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


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """Real headless Chromium driven by Playwright (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        require_service("Chromium", f"{CHROMIUM} is missing (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def live_daphne(transactional_db, queues):
    """A real daphne process on a free port, reading and writing the test database."""
    from tests.servers import Daphne

    with Daphne() as server:
        yield server
