"""Watch the channel layer's Redis: report an outage or a restart since the last look.

With the pub/sub channel layer nothing lives in Redis: a restart loses the subscriptions, which
redis-py re-creates silently, and every message published meanwhile is gone. Consumers cannot
see it (`group_add` is a local no-op for a group the process already listens to), so one
probe per process looks instead: `INFO server`'s `run_id` changes on every restart, and a
refused or broken connection means an outage. `channels_chat.heartbeat` closes the process's
chat sockets on either; clients reconnect and resume from the database.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings

log = logging.getLogger(__name__)


def layer_redis_urls() -> list[str]:
    """The Redis servers the default channel layer uses; none for an in-memory layer."""
    layer = getattr(settings, "CHANNEL_LAYERS", {}).get("default", {})
    if "redis" not in str(layer.get("BACKEND", "")).lower():
        return []
    urls = []
    for host in layer.get("CONFIG", {}).get("hosts", []):
        address = host.get("address") if isinstance(host, dict) else host
        if isinstance(address, str):
            urls.append(address)
    return urls


class RedisWatch:
    """One plain connection per Redis of the layer, probed by `check()`.

    A timeout alone may be this process's own event loop lagging under load, so only
    `TIMEOUTS_TO_FAIL` in a row count as an outage; a refused or reset connection counts at once.
    """

    TIMEOUTS_TO_FAIL = 2

    def __init__(self, urls: list[str], timeout: float = 2.0) -> None:
        from redis.asyncio import Redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        # No retries: a connection that broke is exactly what this must report.
        self.clients: dict[str, Any] = {
            url: Redis.from_url(
                url,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
                retry=Retry(NoBackoff(), 0),
            )
            for url in urls
        }
        self.run_ids: dict[str, str] = {}
        self.timeouts: dict[str, int] = dict.fromkeys(urls, 0)
        self.down: set[str] = set()

    async def check(self) -> str | None:
        """Why the sockets must be closed ("outage", "restart"), or None when all is well.

        An outage is reported once, when it starts; the first answer after it is then taken
        as the new normal (sockets opened meanwhile are the heartbeat's business).
        """
        reason = None
        for url, client in self.clients.items():
            reason = self._verdict(url, await self._probe(url, client)) or reason
        return reason

    async def _probe(self, url: str, client: Any) -> str | Exception:
        from redis.exceptions import ConnectionError as RedisConnectionError

        # A connection broken by a restart fails once even when the server is back: one
        # more try on a fresh connection tells a restart (new run_id) from an outage.
        for attempt in (1, 2):
            try:
                info = await client.info("server")
            except RedisConnectionError as exc:
                if attempt == 2:
                    return exc
            except Exception as exc:  # noqa: BLE001 - any failure is an answer here
                return exc
            else:
                return str(info.get("run_id", ""))
        raise AssertionError("unreachable")

    def _verdict(self, url: str, answer: str | Exception) -> str | None:
        if isinstance(answer, Exception):
            from redis.exceptions import TimeoutError as RedisTimeout

            if isinstance(answer, RedisTimeout | TimeoutError):
                self.timeouts[url] += 1
                if self.timeouts[url] < self.TIMEOUTS_TO_FAIL:
                    return None
            if url in self.down:
                return None
            self.down.add(url)
            log.warning("channel layer Redis %s unreachable: %r", url, answer)
            return "outage"
        self.timeouts[url] = 0
        was_down = url in self.down
        self.down.discard(url)
        previous = self.run_ids.get(url)
        self.run_ids[url] = answer
        if previous is not None and previous != answer:
            log.warning("channel layer Redis %s restarted (run_id changed)", url)
            return "restart"
        if was_down:
            log.warning("channel layer Redis %s reachable again", url)
            return "recovered"
        return None

    async def close(self) -> None:
        for client in self.clients.values():
            try:
                await client.aclose()
            except Exception:  # noqa: BLE001 - closing a broken connection may fail too
                log.debug("closing the watch connection failed", exc_info=True)
