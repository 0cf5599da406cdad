"""A transaction's BEGIN sent in one flight with its first statement (PostgreSQL).

Inside `transaction.atomic()` psycopg opens the transaction itself, lazily: before the first
statement it sends `BEGIN` and waits for the answer, then sends the statement and waits
again. Two round trips, where the second alone carries anything: on a virtual machine whose
idle CPUs halt, each wake-up of the database costs about as much as the statement. The chat's
turn store opens two transactions per batch, each with a ticket lock for first statement, so
that BEGIN was a sixth of its round trips.

`begin_in_flight()` around that first statement queues `BEGIN` and it in one psycopg pipeline:
one Sync, one round trip, the same transaction. Nothing else changes: the statement's results,
its errors (raised as Django's database errors), and the transaction Django's `atomic` commits
or rolls back. Anywhere it does not apply (SQLite, autocommit, a transaction already begun, a
psycopg without pipeline mode) the block runs as it would without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection


@contextmanager
def begin_in_flight() -> Iterator[None]:
    """Statements executed inside go to the server in one flight after the transaction's
    BEGIN; their results are read when the block ends (fetch them after it). Use around the
    first statement(s) of an `atomic` block; elsewhere it does nothing."""
    raw = _pending_transaction()
    if raw is None:
        yield
        return
    # psycopg would send its BEGIN, and wait for it, before the first statement of the
    # pipeline; for the length of the flight it is told it is in autocommit and the BEGIN
    # (the one it would have sent, with the same isolation options) goes in the queue instead.
    begin = raw._get_tx_start_command()
    raw._autocommit = True
    try:
        with connection.wrap_database_errors, raw.pipeline():
            raw.execute(begin, prepare=False)
            yield
    finally:
        raw._autocommit = False


def _pending_transaction() -> Any | None:
    """The psycopg connection when Django is in an atomic block whose BEGIN psycopg has not
    sent yet (and the pipeline applies), else None."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return None
    raw = connection.connection
    if raw is None or getattr(raw, "_pipeline", True) is not None:
        return None
    if not hasattr(raw, "_autocommit") or not hasattr(raw, "_get_tx_start_command"):
        return None  # a psycopg whose internals moved: the plain two round trips
    from psycopg import Pipeline, pq

    if raw.autocommit or raw.pgconn.transaction_status != pq.TransactionStatus.IDLE:
        return None
    return raw if Pipeline.is_supported() else None
