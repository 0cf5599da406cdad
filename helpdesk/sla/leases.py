"""Leader election for singleton workers: a Redis lock when REDIS_URL is set, else a DB lease.

Starting two watchers is harmless: the second waits (or, with `--once`, says so and exits).
A lease expires on its own when its holder dies, after `ttl` seconds.
"""

from __future__ import annotations

import contextlib
import os
import socket
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from helpdesk.sla.models import LeaderLease


class Lease:
    def __init__(self, name: str, ttl: float = 60.0):
        self.name = name
        self.ttl = ttl
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._redis_lock: Any = None
        self.held = False

    def acquire(self) -> bool:
        """Take or renew the lease; False when another live process holds it."""
        if settings.REDIS_URL:
            return self._acquire_redis()
        return self._acquire_db()

    def _acquire_redis(self) -> bool:
        import redis

        if self._redis_lock is None:
            client = redis.Redis.from_url(settings.REDIS_URL)
            self._redis_lock = client.lock(f"lease:{self.name}", timeout=self.ttl, blocking=False)
        if self.held:
            try:
                self._redis_lock.reacquire()
                return True
            except Exception:  # lost it (expired and taken): compete again
                self.held = False
        self.held = bool(self._redis_lock.acquire(blocking=False))
        return self.held

    def _acquire_db(self) -> bool:
        now = timezone.now()
        expires = now + timedelta(seconds=self.ttl)
        with transaction.atomic():
            taken = LeaderLease.objects.filter(
                Q(expires_at__lt=now) | Q(holder=self.holder), name=self.name
            ).update(holder=self.holder, expires_at=expires)
            if not taken:
                try:
                    with transaction.atomic():
                        LeaderLease.objects.create(
                            name=self.name, holder=self.holder, expires_at=expires
                        )
                    taken = 1
                except IntegrityError:
                    taken = 0
        self.held = bool(taken)
        return self.held

    def release(self) -> None:
        if not self.held:
            return
        if self._redis_lock is not None:
            with contextlib.suppress(Exception):  # already expired: nothing to release
                self._redis_lock.release()
        else:
            LeaderLease.objects.filter(name=self.name, holder=self.holder).delete()
        self.held = False
