"""Shared fixtures. Real services only: PostgreSQL/SQLite via DATABASE_URL, Redis via REDIS_URL.

In CI (CI=true) a missing service is a failure, never a skip.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import time

import pytest
from django.core.cache import cache

from helpdesk.snapshots import snapshots_forget
from tests.factories import queues_create, user_create

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_configure(config):
    # Snapshots (queues, SLA policies, incidents, triage rules) check their version on every
    # read in tests, in this process and in the daphne subprocesses that inherit the
    # environment: a test that changes a policy and then talks to a server must not wait for
    # the 1 s default. (Set here, not at import: benchmarks import test helpers.)
    os.environ["SNAPSHOT_CHECK_SECONDS"] = "0"


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
    snapshots_forget()  # a rolled-back test never bumped their versions
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


class SmtpServer:
    """A real SMTP server (aiosmtpd) on a free loopback port, keeping every message it received."""

    def __init__(self) -> None:
        from tests.servers import free_port

        self.port = free_port()
        self.raw: list[bytes] = []
        self.controller = None

    def start(self) -> SmtpServer:
        from aiosmtpd.controller import Controller

        store = self.raw

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                store.append(bytes(envelope.original_content or envelope.content))
                return "250 OK"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait(self, count: int, timeout: float = 10.0) -> list[bytes]:
        """The raw messages, after waiting up to `timeout` for at least `count` of them."""
        deadline = time.monotonic() + timeout
        while len(self.raw) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.raw

    def parsed(self) -> list:
        return [email.message_from_bytes(raw, policy=email.policy.default) for raw in self.raw]

    @property
    def env(self) -> dict[str, str]:
        """Environment for subprocesses (workers) to send here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
        }


@pytest.fixture
def smtp(settings):
    """Real SMTP server; Django in this process sends to it too."""
    server = SmtpServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    yield server
    server.stop()


def pytest_collection_modifyitems(config, items):
    """Browser tests run last: Playwright's sync API keeps an event loop on the main thread for
    the rest of the session, which `async_to_sync` and `asyncio.run` in other tests refuse."""
    items.sort(
        key=lambda item: item.get_closest_marker("e2e") is not None or "/e2e/" in str(item.fspath)
    )
