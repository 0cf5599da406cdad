"""Realtime events, sent to channel-layer groups only after the transaction commits.

Services call `emit`; nothing else in the project calls `group_send` for domain events, so a
rolled-back change never shows up on a screen. Events go out in the order they were emitted.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import itertools
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


def coalesce(batch: Iterable[Envelope]) -> list[tuple[str, dict[str, Any]]]:
    """One channel-layer message per group for a run of events, each group's events in order.

    A committed change usually emits several events to the same groups (`message.added` and
    `ticket.changed`, an acknowledgement after the first message): sending them as one
    `hd.batch` message per group divides the Redis round trips. A group with a single event
    gets it as a plain `hd.event`.
    """
    per_group: dict[str, list[dict[str, Any]]] = {}
    for groups, payload in batch:
        for group in groups:
            per_group.setdefault(group, []).append(payload)
    return [
        (group, events[0] if len(events) == 1 else {"type": "hd.batch", "events": events})
        for group, events in per_group.items()
    ]


async def _send_all(batch: list[Envelope]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    messages = coalesce(batch)
    results = await asyncio.gather(
        *(layer.group_send(group, message) for group, message in messages),
        return_exceptions=True,
    )
    for (group, _message), result in zip(messages, results, strict=True):
        if isinstance(result, BaseException):  # never undo a committed change
            log.error("realtime send to %s failed: %r", group, result)


class _Sender:
    """One private event-loop thread that sends events for network channel layers (Redis).

    Calling `async_to_sync` from plain sync code starts a new loop each time, and channels-redis
    keeps its connections per loop: every event would open a new connection. One long-lived
    loop keeps them pooled, and a queue lets the committing thread go on without waiting for
    Redis while events still leave in commit order. Whatever queued up while the previous send
    was in flight leaves together, coalesced per group (`coalesce`): under load the number of
    Redis messages grows with the number of busy groups, not with the number of events.
    At exit the queue is drained (bounded). The in-memory layer must be used from the server's
    own loop, so it keeps `async_to_sync`.
    """

    _lock = threading.Lock()
    _loop: asyncio.AbstractEventLoop | None = None
    _pending: collections.deque[Envelope] = collections.deque()
    _wake: asyncio.Event | None = None
    _submitted = itertools.count(1)  # next() is atomic: committing threads may be several
    _last_submitted = 0
    _sent = 0
    _sent_changed = threading.Condition()
    MAX_BATCH = 500

    @classmethod
    def _start(cls) -> asyncio.AbstractEventLoop:
        with cls._lock:
            if cls._loop is None or cls._loop.is_closed():
                loop = asyncio.new_event_loop()
                wake = asyncio.Event()
                pending = cls._pending

                async def consume() -> None:
                    while True:
                        await wake.wait()
                        wake.clear()
                        while pending:
                            batch: list[Envelope] = []
                            while pending and len(batch) < cls.MAX_BATCH:
                                batch.append(pending.popleft())
                            try:
                                await _send_all(batch)
                            except Exception:
                                log.exception("realtime send failed")
                            with cls._sent_changed:
                                cls._sent += len(batch)
                                cls._sent_changed.notify_all()

                def run() -> None:
                    asyncio.set_event_loop(loop)
                    loop.create_task(consume())
                    loop.run_forever()

                threading.Thread(target=run, name="realtime-sender", daemon=True).start()
                cls._loop, cls._wake = loop, wake
                atexit.register(cls.drain)
            return cls._loop

    @classmethod
    def submit(cls, envelope: Envelope) -> None:
        loop = cls._start()
        cls._last_submitted = next(cls._submitted)
        cls._pending.append(envelope)
        wake = cls._wake
        assert wake is not None
        if not wake.is_set():  # one wake-up per burst, not one per event
            loop.call_soon_threadsafe(wake.set)

    @classmethod
    def drain(cls, timeout: float = 5.0) -> None:
        """Wait until every submitted event was sent (or `timeout` passed)."""
        if cls._loop is None or cls._loop.is_closed():
            return
        target = cls._last_submitted
        with cls._sent_changed:
            if not cls._sent_changed.wait_for(lambda: cls._sent >= target, timeout):
                log.warning("realtime: %s events not sent in time", target - cls._sent)

    @classmethod
    def forget(cls) -> None:
        """In a forked child the parent's sender thread does not exist: start afresh."""
        cls._lock = threading.Lock()
        cls._loop = None
        cls._wake = None
        cls._pending = collections.deque()
        cls._submitted = itertools.count(1)
        cls._last_submitted = 0
        cls._sent = 0
        cls._sent_changed = threading.Condition()


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
