"""Per-process copies of small tables that the hot paths read on every message.

Queues, SLA policies, active incidents and triage rules change a few times a day but are read
by every intake. A `Snapshot` keeps the loaded value in the process and a version token in
Django's cache (shared by every web and worker process). The value is reloaded when the token
changed; the token itself is looked at no more often than every `SNAPSHOT_CHECK_SECONDS`
(setting, 1 s by default), so a change made by another process is seen within that time and a
change made by this process at once (its own copy is dropped on commit).
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")

_ALL: list[Snapshot] = []


def check_seconds() -> float:
    return float(os.environ.get("SNAPSHOT_CHECK_SECONDS", "1"))


class Snapshot(Generic[T]):
    """A lazily loaded, version-checked, per-process value."""

    def __init__(self, name: str, load: Callable[[], T]) -> None:
        self.key = f"snapshot:{name}:version"
        self.load = load
        self._lock = threading.Lock()
        self._value: T | None = None
        self._version: str | None = None
        self._checked_at = float("-inf")
        _ALL.append(self)

    def get(self) -> T:
        now = time.monotonic()
        value = self._value
        if value is not None and now - self._checked_at < check_seconds():
            return value
        version = cache.get(self.key)
        if version is None:
            cache.add(self.key, uuid.uuid4().hex, timeout=None)
            version = cache.get(self.key)
        if value is not None and version is not None and version == self._version:
            self._checked_at = now
            return value
        with self._lock:
            value = self.load()
            self._value, self._version, self._checked_at = value, version, now
        return value

    def forget(self) -> None:
        """Drop this process's copy now (no cache round trip)."""
        self._value = None

    def invalidate(self) -> None:
        """Every process reloads after the current transaction commits (this one at once)."""

        def bump() -> None:
            cache.set(self.key, uuid.uuid4().hex, timeout=None)
            self.forget()

        self.forget()
        transaction.on_commit(bump)


def snapshot_follows(snapshot: Snapshot, *models: type) -> None:
    """Invalidate `snapshot` whenever a row of `models` is saved or deleted (call in ready())."""
    from django.db.models.signals import post_delete, post_save

    def changed(**_kwargs: Any) -> None:
        snapshot.invalidate()

    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(
                changed,
                sender=model,
                weak=False,
                dispatch_uid=f"{snapshot.key}-{model.__name__}-{signal is post_save}",
            )


def snapshots_forget() -> None:
    """Drop every process-local copy (tests do this between cases: a rolled-back transaction
    never bumps the version)."""
    for snapshot in _ALL:
        snapshot.forget()
