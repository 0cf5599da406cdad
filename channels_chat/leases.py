"""Open-socket counts per key (`agent:<id>`, `customer:<ticket id>`), shared by every process.

Redis sorted sets (member = channel name, score = expiry) when REDIS_URL is set, the
SocketLease table otherwise. Leases expire, so the sockets of a killed process stop counting.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import timezone

from channels_chat.conf import chat_setting

log = logging.getLogger(__name__)
PREFIX = "hdchat:lease:"


def agent_key(user_id: int) -> str:
    return f"agent:{user_id}"


def customer_key(ticket_id: int) -> str:
    """The customer's chat sockets on a ticket: by ticket, so that delivering a reply (which
    knows only its ticket) asks Redis alone, with no conversation lookup."""
    return f"customer:{ticket_id}"


@lru_cache(maxsize=4)
def _client(url: str) -> Any:
    import redis

    return redis.Redis.from_url(
        url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=10
    )


def _redis() -> Any:
    url = getattr(settings, "REDIS_URL", "")
    return _client(url) if url else None


def lease_open(key: str, channel: str) -> None:
    """Record (or refresh) an open socket for `key`."""
    ttl = chat_setting("LEASE_SECONDS")
    client = _redis()
    if client is not None:
        try:
            pipe = client.pipeline(transaction=False)
            pipe.zadd(PREFIX + key, {channel: time.time() + ttl})
            pipe.expire(PREFIX + key, int(ttl * 2) + 1)
            pipe.execute()
        except Exception:
            log.warning("lease_open %s failed", key, exc_info=True)
        return
    from channels_chat.models import SocketLease

    SocketLease.objects.update_or_create(
        channel=channel,
        defaults={"key": key, "expires_at": timezone.now() + timedelta(seconds=ttl)},
    )


def leases_refresh(held: Iterable[tuple[str, str]]) -> None:
    """Refresh many (key, channel) leases at once: one Redis pipeline, or one UPDATE.

    The heartbeat's batch for all the sockets of a process; a lease that is gone (its row
    deleted) is opened again.
    """
    held = list(held)
    ttl = chat_setting("LEASE_SECONDS")
    client = _redis()
    if client is not None:
        expiry = time.time() + ttl
        try:
            pipe = client.pipeline(transaction=False)
            for key, channel in held:
                pipe.zadd(PREFIX + key, {channel: expiry})
            for key in {key for key, _ in held}:
                pipe.expire(PREFIX + key, int(ttl * 2) + 1)
            pipe.execute()
        except Exception:
            log.warning("leases_refresh of %s leases failed", len(held), exc_info=True)
        return
    from channels_chat.models import SocketLease

    channels = [channel for _, channel in held]
    expires_at = timezone.now() + timedelta(seconds=ttl)
    updated = SocketLease.objects.filter(channel__in=channels).update(expires_at=expires_at)
    if updated < len(set(channels)):
        for key, channel in held:
            lease_open(key, channel)


def lease_close(key: str, channel: str) -> None:
    client = _redis()
    if client is not None:
        try:
            client.zrem(PREFIX + key, channel)
        except Exception:
            log.warning("lease_close %s failed", key, exc_info=True)
        return
    from channels_chat.models import SocketLease

    SocketLease.objects.filter(key=key, channel=channel).delete()


def lease_counts(keys: Iterable[str]) -> dict[str, int]:
    """Live sockets per key (0 for none, and when the store cannot be reached)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return {}
    client = _redis()
    if client is not None:
        now = time.time()
        try:
            pipe = client.pipeline(transaction=False)
            for key in keys:
                pipe.zcount(PREFIX + key, now, "+inf")
            counts = pipe.execute()
        except Exception:
            log.warning("lease_counts failed", exc_info=True)
            return dict.fromkeys(keys, 0)
        return {key: int(count) for key, count in zip(keys, counts, strict=True)}
    from django.db.models import Count

    from channels_chat.models import SocketLease

    rows = (
        SocketLease.objects.filter(key__in=keys, expires_at__gt=timezone.now())
        .values("key")
        .annotate(n=Count("id"))
    )
    found = {row["key"]: row["n"] for row in rows}
    return {key: found.get(key, 0) for key in keys}


def lease_count(key: str) -> int:
    return lease_counts([key])[key]
