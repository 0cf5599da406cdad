"""Realtime events, sent to channel-layer groups only after the transaction commits.

Services call `emit`; nothing else in the project calls `group_send` for domain events, so a
rolled-back change never shows up on a screen. Events go out in the order they were emitted.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import contextlib
import contextvars
import itertools
import logging
import os
import threading
from collections.abc import Iterable, Iterator
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


class _PubSubPublisher:
    """Group sends for channels-redis's pub/sub layer: one pipelined round trip per batch.

    The layer's own `group_send` is one PUBLISH per group, each through redis-py's asyncio
    client: about half a millisecond of CPU apiece, more than the web request that caused it.
    A group send of that layer is exactly `PUBLISH <prefix>__group__<group> <serialized>`, so
    a plain client sends the whole batch with one pipeline, serialized by the layer itself.
    Only for a single Redis host (several hosts shard channels; those use the layer).
    """

    def __init__(self, layer: Any, config: dict[str, Any]):
        import redis

        host = config["hosts"][0]
        address = host["address"] if isinstance(host, dict) else host
        timeout = host.get("socket_timeout", 30) if isinstance(host, dict) else 30
        self.client = redis.Redis.from_url(address, socket_timeout=timeout)
        self.prefix = config.get("prefix", "asgi")
        self.serialize = layer.serialize

    @classmethod
    def for_layer(cls, layer: Any) -> _PubSubPublisher | None:
        from django.conf import settings

        layers: dict[str, Any] = settings.CHANNEL_LAYERS
        config: dict[str, Any] = layers.get("default", {}).get("CONFIG", {})
        if type(layer).__name__ != "RedisPubSubChannelLayer" or len(config.get("hosts", ())) != 1:
            return None
        return cls(layer, config)

    def send(self, batch: list[Envelope]) -> None:
        pipe = self.client.pipeline(transaction=False)
        for group, message in coalesce(batch):
            pipe.publish(f"{self.prefix}__group__{group}", self.serialize(message))
        pipe.execute()


class _Sender:
    """One private thread that sends events for network channel layers (Redis).

    A queue lets the committing thread go on without waiting for Redis while events still
    leave in commit order. Whatever queued up while the previous send was in flight leaves
    together, coalesced per group (`coalesce`): under load the number of Redis messages grows
    with the number of busy groups, not with the number of events. With the pub/sub layer a
    batch is one pipelined round trip (`_PubSubPublisher`); other network layers get their own
    long-lived event loop in the thread (channels-redis keeps its connections per loop). At
    exit the queue is drained (bounded). The in-memory layer must be used from the server's
    own loop, so it keeps `async_to_sync`.

    A caller on the latency path (a chat turn) may hold its events (`realtime_held`) and send
    them itself right after its commit (`realtime_flush`, pub/sub layer): no wake-up of this
    thread, whose hand-over costs a busy process a GIL switch or two on every turn. Every
    send, from here or from a caller, takes `_send_lock` and the queue from its head, so events
    still leave in the order they were queued.
    """

    _lock = threading.Lock()
    _send_lock = threading.Lock()
    _publisher: _PubSubPublisher | None = None
    _thread: threading.Thread | None = None
    _pending: collections.deque[Envelope] = collections.deque()
    _wake = threading.Event()
    _submitted = itertools.count(1)  # next() is atomic: committing threads may be several
    _last_submitted = 0
    _sent = 0
    _sent_changed = threading.Condition()
    MAX_BATCH = 500

    @classmethod
    def _start(cls) -> None:
        with cls._lock:
            if cls._thread is not None:
                return
            cls._publisher = _PubSubPublisher.for_layer(get_channel_layer())
            wake = cls._wake

            def run() -> None:
                loop = None if cls._publisher else asyncio.new_event_loop()
                while True:
                    wake.wait()
                    wake.clear()
                    cls._send_queued(loop)

            cls._thread = threading.Thread(target=run, name="realtime-sender", daemon=True)
            cls._thread.start()
            atexit.register(cls.drain)

    @classmethod
    def _send_queued(cls, loop: asyncio.AbstractEventLoop | None = None) -> None:
        """Send everything queued, in order (`loop`: the sender thread's, for layers other
        than pub/sub)."""
        pending, publisher = cls._pending, cls._publisher
        with cls._send_lock:
            while pending:
                batch: list[Envelope] = []
                while pending and len(batch) < cls.MAX_BATCH:
                    batch.append(pending.popleft())
                try:
                    if publisher is not None:
                        publisher.send(batch)
                    else:
                        assert loop is not None
                        loop.run_until_complete(_send_all(batch))
                except Exception:  # never undo a committed change
                    log.exception("realtime send failed")
                with cls._sent_changed:
                    cls._sent += len(batch)
                    cls._sent_changed.notify_all()

    @classmethod
    def submit(cls, envelope: Envelope) -> None:
        if cls._thread is None:
            cls._start()
        cls._last_submitted = next(cls._submitted)
        cls._pending.append(envelope)
        if not (_held.get() and cls._publisher is not None):
            cls._wake.set()

    @classmethod
    def flush(cls) -> None:
        """Send what is queued from the calling thread (pub/sub layer; else wake the thread)."""
        if cls._thread is None or not cls._pending:
            return
        if cls._publisher is None:
            cls._wake.set()
            return
        cls._send_queued()

    @classmethod
    def drain(cls, timeout: float = 5.0) -> None:
        """Wait until every submitted event was sent (or `timeout` passed)."""
        if cls._thread is None:
            return
        target = cls._last_submitted
        with cls._sent_changed:
            if not cls._sent_changed.wait_for(lambda: cls._sent >= target, timeout):
                log.warning("realtime: %s events not sent in time", target - cls._sent)

    @classmethod
    def forget(cls) -> None:
        """In a forked child the parent's sender thread does not exist: start afresh."""
        cls._lock = threading.Lock()
        cls._send_lock = threading.Lock()
        cls._publisher = None
        cls._thread = None
        cls._pending = collections.deque()
        cls._wake = threading.Event()
        cls._submitted = itertools.count(1)
        cls._last_submitted = 0
        cls._sent = 0
        cls._sent_changed = threading.Condition()


os.register_at_fork(after_in_child=_Sender.forget)


def realtime_drain(timeout: float = 5.0) -> None:
    """Block until the events already committed have reached the channel layer."""
    _Sender.drain(timeout)


# Inside `realtime_held`: committed events wait in the queue for this context's flush.
_held: contextvars.ContextVar[bool] = contextvars.ContextVar("realtime_held", default=False)


@contextlib.contextmanager
def realtime_held() -> Iterator[None]:
    """Events committed inside are sent by this thread at `realtime_flush` (call it after
    each commit) or at the latest when the block ends, not by the sender thread."""
    token = _held.set(True)
    try:
        yield
    finally:
        _held.reset(token)
        realtime_flush()


def realtime_flush() -> None:
    """Send the committed events queued so far, now, from this thread, in order."""
    try:
        _Sender.flush()
    except Exception:  # never undo a committed change
        log.exception("realtime send failed")


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
