"""Real daphne processes for the chat tests, with frame checking switched on."""

from __future__ import annotations

import os

import pytest

from tests.conftest import require_service

CHAT_ENV = {
    "CHAT_CHECK_FRAMES": "1",
    "CHAT_TICK_SECONDS": "0.3",
    "CHAT_LEASE_SECONDS": "6",
    "CHAT_RATE_PER_SECOND": "50",
    "CHAT_RATE_BURST": "30",
}


def redis_flush() -> None:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return
    import redis

    try:
        redis.Redis.from_url(url).flushdb()
    except redis.RedisError as exc:
        require_service("Redis", str(exc))


@pytest.fixture
def chat_env():
    return dict(CHAT_ENV)


@pytest.fixture
def chat_server(transactional_db, queues, chat_env):
    from tests.servers import Daphne

    redis_flush()
    with Daphne(extra_env=chat_env) as server:
        yield server
    assert_frames_valid(server)


def assert_frames_valid(server) -> None:
    """The server validated every frame it sent (CHAT_CHECK_FRAMES=1) and found no mismatch."""
    log = server.log_path.read_text(errors="replace")
    assert "invalid server frame" not in log, log[-3000:]
