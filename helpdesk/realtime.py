"""Realtime events, sent to channel-layer groups only after the transaction commits.

Services call `emit`; nothing else in the project calls `group_send` for domain events, so a
rolled-back change never shows up on a screen. Events go out in the order they were emitted.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)

Envelope = tuple[tuple[str, ...], dict[str, Any]]


async def _send_all(batch: list[Envelope]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for groups, payload in batch:
        # One event goes to all its groups at once; events stay in order (the next one starts
        # only when this one reached every group).
        results = await asyncio.gather(
            *(layer.group_send(group, payload) for group in groups), return_exceptions=True
        )
        for group, result in zip(groups, results, strict=True):
            if isinstance(result, BaseException):  # never undo a committed change
                log.error("realtime send to %s failed: %r", group, result)


class _Sender:
    """One private event-loop thread that sends events for network channel layers (Redis).

    Calling `async_to_sync` from plain sync code starts a new loop each time, and channels-redis
    keeps its connections per loop: every event would open a new connection. One long-lived
    loop keeps them pooled, and a queue lets the committing thread go on without waiting for
    Redis while events still leave in commit order. At exit the queue is drained (bounded).
    The in-memory layer must be used from the server's own loop, so it keeps `async_to_sync`.
    """

    _lock = threading.Lock()
    _loop: asyncio.AbstractEventLoop | None = None
    _queue: asyncio.Queue[Envelope] | None = None

    @classmethod
    def _start(cls) -> tuple[asyncio.AbstractEventLoop, asyncio.Queue[Envelope]]:
        with cls._lock:
            if cls._loop is None or cls._loop.is_closed() or cls._queue is None:
                loop = asyncio.new_event_loop()
                queue: asyncio.Queue[Envelope] = asyncio.Queue()

                async def consume() -> None:
                    while True:
                        envelope = await queue.get()
                        try:
                            await _send_all([envelope])
                        except Exception:
                            log.exception("realtime send failed")
                        finally:
                            queue.task_done()

                def run() -> None:
                    asyncio.set_event_loop(loop)
                    loop.create_task(consume())
                    loop.run_forever()

                threading.Thread(target=run, name="realtime-sender", daemon=True).start()
                cls._loop, cls._queue = loop, queue
                atexit.register(cls.drain)
            return cls._loop, cls._queue

    @classmethod
    def submit(cls, envelope: Envelope) -> None:
        loop, queue = cls._start()
        loop.call_soon_threadsafe(queue.put_nowait, envelope)

    @classmethod
    def drain(cls, timeout: float = 5.0) -> None:
        """Wait until every submitted event was sent (or `timeout` passed)."""
        loop, queue = cls._loop, cls._queue
        if loop is None or queue is None or loop.is_closed():
            return
        try:
            asyncio.run_coroutine_threadsafe(queue.join(), loop).result(timeout=timeout)
        except Exception:
            log.warning("realtime: %s events not sent at exit", queue.qsize())

    @classmethod
    def forget(cls) -> None:
        """In a forked child the parent's sender thread does not exist: start afresh."""
        cls._lock = threading.Lock()
        cls._loop = None
        cls._queue = None


os.register_at_fork(after_in_child=_Sender.forget)


def realtime_drain(timeout: float = 5.0) -> None:
    """Block until the events already committed have reached the channel layer."""
    _Sender.drain(timeout)


def _send_now(envelope: Envelope) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        if layer.__class__.__name__ == "InMemoryChannelLayer":
            async_to_sync(_send_all)([envelope])
        else:
            _Sender.submit(envelope)
    except Exception:
        log.exception("realtime send failed")


class _Delivery:
    """The on_commit callback of one event (Django drops it if its savepoint rolls back)."""

    def __init__(self, envelope: Envelope):
        self.envelope = envelope

    def __call__(self) -> None:
        _send_now(self.envelope)


def emit(groups: Iterable[str], event: str, data: dict[str, Any]) -> None:
    """Send `{"type": "hd.event", "event": event, "data": data}` to groups after commit.

    Consumers route `hd.event` messages by `event` name; `data` must be JSON-serialisable.
    """
    payload = {"type": "hd.event", "event": event, "data": data}
    transaction.on_commit(_Delivery((tuple(dict.fromkeys(groups)), payload)))
