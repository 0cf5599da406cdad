"""The per-sender rate limit of acknowledgements to new email tickets (intake writes them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache

ACK_LIMIT = 3  # acknowledgements per sender per window
ACK_WINDOW_SECONDS = 3600


def ack_allowed(sender: str) -> bool:
    """True at most ACK_LIMIT times per sender per hour (a runaway robot gets no flood back)."""
    limit = getattr(settings, "MAILIN_ACK_LIMIT", ACK_LIMIT)
    key = f"mailin:ack:{sender.lower()}"
    if cache.add(key, 1, ACK_WINDOW_SECONDS):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, ACK_WINDOW_SECONDS)
        count = 1
    return count <= limit


def acks_allowed(senders: Sequence[str]) -> list[bool]:
    """`ack_allowed` for several senders in order (a sender twice counts twice).

    On Redis the counters move in one pipelined round trip (INCR, then EXPIRE only when the
    key is new, so the window starts at the first acknowledgement); other caches one by one.
    """
    client = _redis_client()
    if client is None:
        return [ack_allowed(sender) for sender in senders]
    limit = getattr(settings, "MAILIN_ACK_LIMIT", ACK_LIMIT)
    keys = [cache.make_and_validate_key(f"mailin:ack:{sender.lower()}") for sender in senders]
    pipe = client.pipeline(transaction=False)
    for key in keys:
        pipe.incr(key)
        pipe.expire(key, ACK_WINDOW_SECONDS, nx=True)
    counts = pipe.execute()[::2]
    return [int(count) <= limit for count in counts]


def _redis_client() -> Any:
    """The raw redis-py client behind Django's RedisCache (None for other backends)."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True)
