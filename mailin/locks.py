"""One reader per mailbox: a Redis lock when REDIS_URL is set, else a row in the database."""

from __future__ import annotations

import contextlib
import os
import socket
import time
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mailin.models import MailboxLock

LOCK_TTL = 90  # seconds; the holder renews it on every loop


class ReaderLock:
    def __init__(self, key: str, ttl: int = LOCK_TTL):
        self.key = f"mailin:reader:{key}"
        self.ttl = ttl
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._redis_lock: Any = None
        if settings.REDIS_URL:
            import redis

            client = redis.Redis.from_url(settings.REDIS_URL)
            self._redis_lock = client.lock(self.key, timeout=ttl)

    def try_acquire(self) -> bool:
        if self._redis_lock is not None:
            return bool(self._redis_lock.acquire(blocking=False))
        now = timezone.now()
        expires = now + timedelta(seconds=self.ttl)
        taken = MailboxLock.objects.filter(
            Q(key=self.key) & (Q(expires_at__lt=now) | Q(holder=self.holder) | Q(holder=""))
        ).update(holder=self.holder, expires_at=expires)
        if taken:
            return True
        try:
            with transaction.atomic():
                MailboxLock.objects.create(key=self.key, holder=self.holder, expires_at=expires)
            return True
        except IntegrityError:
            return False

    def acquire(self, wait: float | None = None, poll: float = 2.0) -> bool:
        """Wait for the lock (forever when `wait` is None); the second reader waits here."""
        deadline = None if wait is None else time.monotonic() + wait
        while not self.try_acquire():
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(poll)
        return True

    def renew(self) -> bool:
        if self._redis_lock is not None:
            try:
                self._redis_lock.reacquire()
                return True
            except Exception:  # noqa: BLE001 - lost the lock (expired): take it again
                return self.try_acquire()
        return self.try_acquire()

    def release(self) -> None:
        if self._redis_lock is not None:
            with contextlib.suppress(Exception):  # already expired
                self._redis_lock.release()
            return
        MailboxLock.objects.filter(key=self.key, holder=self.holder).update(
            holder="", expires_at=None
        )
