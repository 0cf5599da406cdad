"""Realtime events, sent to channel-layer groups only after the transaction commits.

Services call `emit`; nothing else in the project calls `group_send` for domain events, so a
rolled-back change never shows up on a screen. Events go out in the order they were emitted.
"""

from __future__ import annotations

import asyncio
import logging
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


class _SenderLoop:
    """A private event loop thread for network channel layers (Redis).

    Calling `async_to_sync` from plain sync code starts a new loop each time, and channels-redis
    keeps its connections per loop: every event would open a new connection. One long-lived
    loop keeps them pooled. The in-memory layer must be used from the server's own loop, so it
    keeps the `async_to_sync` path.
    """

    _lock = threading.Lock()
    _loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def loop(cls) -> asyncio.AbstractEventLoop:
        with cls._lock:
            if cls._loop is None or cls._loop.is_closed():
                loop = asyncio.new_event_loop()
                thread = threading.Thread(
                    target=loop.run_forever, name="realtime-sender", daemon=True
                )
                thread.start()
                cls._loop = loop
            return cls._loop


def _send_now(envelope: Envelope) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        if layer.__class__.__name__ == "InMemoryChannelLayer":
            async_to_sync(_send_all)([envelope])
        else:
            future = asyncio.run_coroutine_threadsafe(_send_all([envelope]), _SenderLoop.loop())
            future.result(timeout=10)
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
