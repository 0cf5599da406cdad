"""The periodic work of a process's chat sockets, done once per process instead of per socket.

One task per event loop, alive while the process has chat sockets:
- refreshes every socket's presence lease in one batch (`leases.leases_refresh`) every
  `CHAT_LEASE_SECONDS / 3`;
- with a Redis channel layer, probes Redis every `CHAT_WATCH_SECONDS` (`watchdog.RedisWatch`)
  and closes every chat socket of the process with `CLOSE_RECONNECT` when Redis was
  restarted or unreachable: what was published meanwhile is lost, and the clients' resume
  (`hello` with `after`) replays it from the database.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from typing import Any, Protocol

from channels_chat import leases
from channels_chat.conf import chat_setting
from channels_chat.dbhop import db
from channels_chat.protocol import CLOSE_RECONNECT
from channels_chat.watchdog import RedisWatch, layer_redis_urls

log = logging.getLogger(__name__)


class Watched(Protocol):
    channel_name: str
    lease_keys: set[str]

    async def close(self, code: int | bool | None = None, reason: str | None = None) -> None: ...


class Heartbeat:
    def __init__(self) -> None:
        # Weak: a consumer that died without `disconnect` must not be kept (or refreshed).
        self.sockets: weakref.WeakSet[Any] = weakref.WeakSet()
        self.task: asyncio.Task | None = None
        self.closing = 0  # sockets closed because of Redis, for tests and logs

    def register(self, socket: Watched) -> None:
        self.sockets.add(socket)
        loop = asyncio.get_running_loop()
        if self.task is None or self.task.done() or self.task.get_loop() is not loop:
            self.task = loop.create_task(self._run(), name="chat-heartbeat")

    def unregister(self, socket: Watched) -> None:
        self.sockets.discard(socket)

    async def _run(self) -> None:
        urls = layer_redis_urls()
        watch = RedisWatch(urls) if urls else None
        lease_period = max(chat_setting("LEASE_SECONDS") / 3, 0.5)
        tick = min(chat_setting("WATCH_SECONDS"), lease_period) if watch else lease_period
        next_refresh = time.monotonic() + lease_period
        try:
            if watch is not None:
                await watch.check()  # the baseline run_id
            while self.sockets:
                await asyncio.sleep(tick)
                if watch is not None and (reason := await watch.check()):
                    await self.close_all(reason)
                if time.monotonic() >= next_refresh:
                    next_refresh = time.monotonic() + lease_period
                    await self.refresh()
        finally:
            if watch is not None:
                await watch.close()

    async def refresh(self) -> None:
        held = [(key, s.channel_name) for s in list(self.sockets) for key in s.lease_keys]
        if not held:
            return
        try:
            await db(leases.leases_refresh)(held)
        except Exception:
            log.warning("lease refresh of %s sockets failed", len(held), exc_info=True)

    async def close_all(self, reason: str) -> None:
        sockets = list(self.sockets)
        log.warning("channel layer Redis %s: closing %s chat sockets", reason, len(sockets))
        self.closing += len(sockets)
        for socket in sockets:
            self.sockets.discard(socket)
        results = await asyncio.gather(
            *(socket.close(code=CLOSE_RECONNECT) for socket in sockets), return_exceptions=True
        )
        for result in results:
            if isinstance(result, BaseException):
                log.warning("closing a chat socket failed: %r", result)


heartbeat = Heartbeat()
