"""How chat sockets run ORM work: off the event loop, on a pool thread, without a health check
round trip on every turn.

channels' `DatabaseSyncToAsync` treats each call as a request: it runs Django's
`close_old_connections` around it, which makes the next query on the thread first send a
`SELECT 1` (`CONN_HEALTH_CHECKS`). A busy chat process makes hundreds of calls a second on a
handful of threads, so that was one extra database round trip per chat turn (about a tenth
of the time a live daphne spent in chat turns under the load benchmark). Here a connection
that finished a call less than `HEALTHY_FOR` seconds ago skips the check; an older one is
checked as before. A connection that broke meanwhile fails that one call (the client's retry
with the same message id is idempotent) and is checked and replaced on the next.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import SyncToAsync
from django.db import connections

HEALTHY_FOR = 1.0
_finished = threading.local()  # per pool thread, like Django's connections: alias -> when


def _finished_at() -> dict[str, float]:
    if not hasattr(_finished, "at"):
        _finished.at = {}
    return _finished.at  # type: ignore[no-any-return]


def connections_before() -> None:
    """Django's per-request tidy-up, minus the health check for a connection just used."""
    now = time.monotonic()
    finished = _finished_at()
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
        recent = now - finished.get(connection.alias, float("-inf")) < HEALTHY_FOR
        if connection.connection is not None and recent:
            connection.health_check_done = True  # type: ignore[attr-defined]


def connections_after() -> None:
    """Close a connection that errored unusably or outlived its age; note when it was used."""
    now = time.monotonic()
    finished = _finished_at()
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
        if connection.connection is not None:
            finished[connection.alias] = now
        else:
            finished.pop(connection.alias, None)


class DatabaseHop(SyncToAsync):
    def thread_handler(self, loop: Any, *args: Any, **kwargs: Any) -> Any:
        connections_before()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            connections_after()


def db(fn: Callable[..., Any], *, executor: ThreadPoolExecutor | None = None) -> Any:
    """Run ORM work off the event loop, on a pool thread (not one shared thread per process),
    so one slow query does not stall every socket of the process: the loop's default pool,
    or `executor` (the chat writer's own threads)."""
    return DatabaseHop(fn, thread_sensitive=False, executor=executor)


async def pool_close(pool: ThreadPoolExecutor, threads: int) -> None:
    """Close the database connections of each of `pool`'s `threads` threads, then stop it
    (one call per thread, each waiting for the others so that every thread gets one)."""
    barrier = threading.Barrier(threads)

    def close_mine() -> None:
        barrier.wait(10)
        connections.close_all()

    loop = asyncio.get_running_loop()
    await asyncio.gather(*(loop.run_in_executor(pool, close_mine) for _ in range(threads)))
    pool.shutdown(wait=True)
