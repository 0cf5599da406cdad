"""The mailbox reader: new UIDs after the cursor, processed in batches, then flagged.

Order per batch: fetch bytes -> process and commit (tickets, quarantine) -> flag or move on the
server -> advance the cursor. A crash after the commit re-reads the batch next time, and
Message-ID dedupe in the intake makes that harmless; nothing is flagged before it committed.
A long backlog is read ahead on a second, read-only connection (`mailin.prefetch`), which
changes nothing on the server.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from dataclasses import dataclass, field

from django.conf import settings
from django.db import close_old_connections, connection

from mailin.garbage import collector_settle
from mailin.imap import FETCH_BATCH, ImapSession, MailboxConfig, mailbox_url_parse
from mailin.locks import ReaderLock
from mailin.models import Mailbox, MailboxCursor
from mailin.parallel import BatchKeys, BatchPool, batches_independent, depends
from mailin.prefetch import Prefetch
from mailin.services import MailOutcome, MailSource, emails_receive

log = logging.getLogger(__name__)
TX_BATCH = 100  # messages per database transaction
AHEAD_PER_WORKER = 2  # batches queued or running per worker process


@dataclass
class FetchReport:
    mailbox: str
    counts: Counter = field(default_factory=Counter)

    @property
    def processed(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Target:
    config: MailboxConfig
    source: MailSource


def mailbox_target(mailbox: Mailbox) -> Target:
    extra = {
        "processed_action": mailbox.processed_action,
        "processed_folder": mailbox.processed_folder,
        "ca_file": _ca_file(),
    }
    if mailbox.url:
        config = mailbox_url_parse(mailbox.url, **extra)
    else:
        config = MailboxConfig(
            host=mailbox.host,
            port=mailbox.port,
            username=mailbox.username,
            password=mailbox.password,
            tls=mailbox.use_tls,
            folder=mailbox.folder or "INBOX",
            **extra,
        )
    queue = mailbox.default_queue.slug if mailbox.default_queue else None
    return Target(config, MailSource(config.key, mailbox.pk, queue))


def _ca_file() -> str:
    return str(getattr(settings, "MAILIN_CA_FILE", "") or "")


def url_target(url: str, default_queue: str | None = None) -> Target:
    config = mailbox_url_parse(url, ca_file=_ca_file())
    # The URL is sealed at rest (a new token on every save): compare the opened values.
    configured = Mailbox.objects.exclude(url="").select_related("default_queue")
    stored = next((mailbox for mailbox in configured if mailbox.url == url), None)
    if stored is not None:
        return mailbox_target(stored)
    return Target(config, MailSource(config.key, None, default_queue))


def targets_active() -> list[Target]:
    return [
        mailbox_target(m)
        for m in Mailbox.objects.filter(active=True).select_related("default_queue")
    ]


def _cursor(key: str) -> MailboxCursor:
    cursor, _created = MailboxCursor.objects.get_or_create(key=key[:400])
    return cursor


def _cursor_advance(cursor: MailboxCursor, uid: int) -> None:
    MailboxCursor.objects.filter(pk=cursor.pk).update(last_uid=uid)
    cursor.last_uid = uid


def fetch_new(
    session: ImapSession,
    target: Target,
    on_batch: Callable[[], object] | None = None,
    pool: BatchPool | None = None,
) -> FetchReport:
    """Process every message after the cursor; returns counts by outcome kind.

    With a `pool`, independent batches run in its worker processes at the same time.
    """
    report = FetchReport(target.config.key)
    cursor = _cursor(target.config.key)
    fresh = cursor.uidvalidity != session.uidvalidity
    if fresh:
        # New folder or UIDVALIDITY changed: old UIDs mean nothing. Read what is unread;
        # anything already stored is recognised by its Message-ID.
        cursor.uidvalidity = session.uidvalidity
        cursor.last_uid = 0
        cursor.save(update_fields=["uidvalidity", "last_uid", "updated_at"])
    uids = session.uids_after(cursor.last_uid, unseen_only=fresh)
    with _chunks(session, uids) as chunks:
        if pool is None:
            for fetched in chunks:
                for start in range(0, len(fetched), TX_BATCH):
                    batch = fetched[start : start + TX_BATCH]
                    outcomes = emails_receive(batch, target.source)  # committed on return
                    _batch_done(session, cursor, report, batch, outcomes, on_batch)
        else:
            _fetch_parallel(session, target, cursor, report, chunks, len(uids), pool, on_batch)
    return report


@contextlib.contextmanager
def _chunks(session: ImapSession, uids: list[int]) -> Iterator[Iterable[list[tuple[int, bytes]]]]:
    """The bytes of `uids` in chunks. A backlog of more than one FETCH is read ahead on a
    second connection while the reader processes (`mailin.prefetch`); the first batch comes
    from the reader's own connection meanwhile, so processing starts without waiting for the
    second login."""
    if len(uids) <= FETCH_BATCH:
        yield session.fetch(uids, FETCH_BATCH)
        return
    rest = uids[TX_BATCH:]
    with Prefetch(session.config, session.uidvalidity, rest, FETCH_BATCH) as prefetch:
        yield itertools.chain(session.fetch(uids[:TX_BATCH], TX_BATCH), prefetch)


def _batch_done(
    session: ImapSession,
    cursor: MailboxCursor,
    report: FetchReport,
    batch: Sequence[tuple[int, bytes]],
    outcomes: Sequence[MailOutcome],
    on_batch: Callable[[], object] | None,
    advance: bool = True,
) -> None:
    report.counts.update(outcome.kind for outcome in outcomes)
    done = [uid for uid, _raw in batch]
    session.mark_processed(done)
    if advance:
        _cursor_advance(cursor, max(done))
    if on_batch is not None:
        on_batch()  # e.g. renew the reader lock during a long backlog


def parallel_batch_size(chunk: int, received: int, total: int, in_flight: int) -> int:
    """Batch size for a chunk of `chunk` messages after `received` of `total`: TX_BATCH, but
    the first and the last chunk are shared among all the batches allowed in flight."""
    if received == 0 or received + chunk >= total:
        return max(1, min(TX_BATCH, -(-chunk // in_flight)))
    return TX_BATCH


def _fetch_parallel(
    session: ImapSession,
    target: Target,
    cursor: MailboxCursor,
    report: FetchReport,
    chunks: Iterable[Sequence[tuple[int, bytes]]],
    total: int,
    pool: BatchPool,
    on_batch: Callable[[], object] | None,
) -> None:
    """Independent batches in the pool; flag each once committed; the cursor covers a UID only
    when it and every fetched UID below it are committed and flagged.

    Each fetched chunk is cut into batches by `batches_independent` (a batch is no longer a
    run of consecutive UIDs); a batch that depends on one still running waits for it. The
    first and the last chunk are cut finer, so that every worker starts at once and none
    waits alone for a long last batch at the end."""
    running: list[tuple[Sequence[tuple[int, bytes]], BatchKeys, Future]] = []
    outstanding: set[int] = set()  # fetched UIDs not yet committed and flagged
    fetched_up_to = 0

    def settle(wait_for: Sequence[Future]) -> None:
        wait(wait_for, return_when=FIRST_COMPLETED)
        for entry in [e for e in running if e[2].done()]:
            running.remove(entry)
            batch, _keys, future = entry
            _batch_done(session, cursor, report, batch, future.result(), on_batch, advance=False)
            outstanding.difference_update(uid for uid, _raw in batch)
        covered = min(outstanding) - 1 if outstanding else fetched_up_to
        if covered > cursor.last_uid:
            _cursor_advance(cursor, covered)

    # Up to two batches per worker in flight: a worker that finishes takes the next queued
    # batch at once instead of idling while the reader flags, fetches and submits.
    in_flight = pool.workers * AHEAD_PER_WORKER
    received = 0
    for chunk in chunks:
        outstanding.update(uid for uid, _raw in chunk)
        fetched_up_to = max([fetched_up_to, *(uid for uid, _raw in chunk)])
        size = parallel_batch_size(len(chunk), received, total, in_flight)
        received += len(chunk)
        for batch, keys in batches_independent(chunk, size):
            while running and (
                len(running) >= in_flight or depends(keys, [k for _b, k, _f in running])
            ):
                blockers = [f for _b, k, f in running if depends(keys, [k])]
                settle(blockers or [f for _b, _k, f in running])
            running.append((batch, keys, pool.submit(batch, target.source)))
    while running:
        settle([f for _b, _k, f in running])


def fetch_once(target: Target, lock_wait: float | None = 60.0, workers: int = 1) -> FetchReport:
    lock = ReaderLock(target.config.key)
    if not lock.acquire(wait=lock_wait):
        raise TimeoutError(f"another reader holds {target.config.key}")
    # A pool settles the collector itself, once warm and before it forks (workers inherit it).
    pool = BatchPool(workers) if workers > 1 else None
    collector_settle()
    try:
        session = ImapSession(target.config)
        try:
            return fetch_new(session, target, on_batch=lock.renew, pool=pool)
        finally:
            session.close()
    finally:
        if pool is not None:
            pool.close()
        lock.release()


def _run_end(lock: ReaderLock) -> None:
    lock.release()
    connection.close()  # this thread's own database connection


def run_forever(
    target: Target,
    stop: threading.Event | None = None,
    idle_timeout: float = 10.0,
    poll_interval: float = 30.0,
    max_backoff: float = 60.0,
    on_report: Callable[[FetchReport], object] | None = None,
    use_idle: bool = True,
) -> None:
    """Read a mailbox until `stop` is set: IDLE where the server has it (and `use_idle`),
    polling every `poll_interval` otherwise; reconnect with exponential backoff after any
    connection failure. A second reader of the same mailbox waits for the lock."""
    stop = stop or threading.Event()
    collector_settle()
    lock = ReaderLock(target.config.key)
    while not lock.try_acquire():
        if stop.wait(2.0):
            connection.close()
            return
    backoff = 1.0
    try:
        while not stop.is_set():
            try:
                session = ImapSession(target.config)
            except Exception as exc:  # noqa: BLE001 - server down: wait and retry
                log.warning(
                    "cannot connect to %s: %s (retry in %.0fs)", target.config.key, exc, backoff
                )
                stop.wait(backoff)
                backoff = min(backoff * 2, max_backoff)
                continue
            try:
                while not stop.is_set():
                    report = fetch_new(session, target, on_batch=lock.renew)
                    if on_report is not None:
                        on_report(report)
                    backoff = 1.0
                    lock.renew()
                    if use_idle and session.can_idle:
                        session.idle_wait(idle_timeout)
                    else:
                        stop.wait(poll_interval)
                        session.noop()
            except Exception as exc:  # noqa: BLE001 - dropped connection: reconnect
                log.warning(
                    "connection to %s lost: %s (reconnect in %.0fs)",
                    target.config.key,
                    exc,
                    backoff,
                )
                stop.wait(backoff)
                backoff = min(backoff * 2, max_backoff)
            finally:
                session.close()
                close_old_connections()
    finally:
        _run_end(lock)
