"""Shared fixtures. Real services only: PostgreSQL/SQLite via DATABASE_URL, Redis via REDIS_URL.

In CI (CI=true) a missing service is a failure, never a skip.
"""

from __future__ import annotations

import contextlib
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
    # A database cache table may not exist before migrate.
    with contextlib.suppress(Exception):
        cache.clear()
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
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser():
    """Real headless Chromium driven by Playwright (never a downloaded browser)."""
    if not os.path.exists(CHROMIUM):
        require_service("Chromium", f"{CHROMIUM} is missing (make test installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the ORM calls tests make around
    # it are still synchronous, so Django's async guard is told so.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
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


class SmtpSink:
    """A real SMTP server (aiosmtpd) on a loopback port that keeps what it receives."""

    def __init__(self) -> None:
        import email
        import email.policy

        from aiosmtpd.controller import Controller

        from tests.servers import free_port

        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                sink.messages.append(
                    email.message_from_bytes(envelope.content, policy=email.policy.default)
                )
                sink.envelopes.append(envelope)
                return "250 OK"

        self.messages: list = []
        self.envelopes: list = []
        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)

    @property
    def env(self) -> dict[str, str]:
        """Environment for subprocesses (workers) to send here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
        }

    def start(self) -> SmtpSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()


@pytest.fixture
def smtp_server(settings):
    """Real SMTP server; Django in this process sends to it too."""
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = sink.port
    yield sink
    sink.stop()
