"""Group commit of chat turns: one writer per event loop (per daphne process).

A turn that arrives while nothing is being written leaves at once, alone: an idle process
adds no delay. Turns that arrive while batches are in flight wait for the next one, which
takes all of them (up to `CHAT_BATCH_MAX`) in one thread hop and two transactions
(`channels_chat.services.turns.chat_turns_store`). Under load the number of hops and commits
grows with the number of batches, not of messages. `CHAT_WRITERS` batches may be in flight
at once per process.

The batches run on the writer's own threads (`CHAT_WRITERS` of them), not on the pool every
other database hop of the process shares. A turn then always finds a connection that wrote
the previous one: its statements already prepared by psycopg (after five uses per
connection), its caches warm. On the shared pool a turn landed on any of half a dozen
threads, each connection with a sixth of the turns, and paid that on most of them.

Each turn's future resolves after its batch committed (so the socket acks only a stored
turn), with that turn's own outcome: a refused turn does not fail its neighbours.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from channels_chat import stamps
from channels_chat.conf import chat_int
from channels_chat.dbhop import db, pool_close
from channels_chat.services.conversations import Stored
from channels_chat.services.turns import Turn, chat_turns_store

log = logging.getLogger(__name__)


class TurnWriter:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.pending: list[tuple[Turn, asyncio.Future[Stored]]] = []
        self.in_flight = 0
        self.batches = 0  # batches written, for tests and logs
        self.largest = 0
        self.threads = max(chat_int("WRITERS"), 1)
        self.executor = ThreadPoolExecutor(self.threads, thread_name_prefix="chat-writer")

    async def store(self, turn: Turn) -> Stored:
        """Store `turn` (with the turns around it); returns once it is committed."""
        future: asyncio.Future[Stored] = self.loop.create_future()
        self.pending.append((turn, future))
        if self.in_flight < self.threads:
            self.in_flight += 1
            self.loop.create_task(self._run(), name="chat-turn-writer")
        return await future

    async def close(self) -> None:
        """Close the database connections of the writer's threads and stop them (a test's
        event loop ends; a server's writer lives as long as its process)."""
        await pool_close(self.executor, self.threads)

    async def _run(self) -> None:
        try:
            while self.pending:
                size = max(chat_int("BATCH_MAX"), 1)
                batch, self.pending = self.pending[:size], self.pending[size:]
                self.batches += 1
                self.largest = max(self.largest, len(batch))
                await self._write(batch)
        finally:
            self.in_flight -= 1

    async def _write(self, batch: list[tuple[Turn, asyncio.Future[Stored]]]) -> None:
        turns = [turn for turn, _ in batch]
        for turn in turns:
            stamps.stamp(turn.client_id, "batched")
        try:
            outcomes: list[Any] = await db(_store, executor=self.executor)(turns)
        except Exception as exc:  # the hop itself failed: every turn of the batch hears it
            log.exception("chat turn batch failed")
            outcomes = [exc] * len(batch)
        for (turn, future), outcome in zip(batch, outcomes, strict=True):
            stamps.stamp(turn.client_id, "stored")
            if future.done():  # the socket went away meanwhile; the turn is stored anyway
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)


def _store(turns: list[Turn]) -> list[Any]:
    for turn in turns:
        stamps.stamp(turn.client_id, "thread")
    return chat_turns_store(turns)


_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, TurnWriter] = (
    weakref.WeakKeyDictionary()
)


def turn_writer() -> TurnWriter:
    """The writer of the running event loop."""
    loop = asyncio.get_running_loop()
    writer = _writers.get(loop)
    if writer is None:
        writer = _writers[loop] = TurnWriter(loop)
    return writer


async def turn_writer_close() -> None:
    """Close the running loop's writer, if it has one (`TurnWriter.close`); the next turn of
    the loop starts a new one."""
    writer = _writers.pop(asyncio.get_running_loop(), None)
    if writer is not None:
        await writer.close()


async def turn_store(turn: Turn) -> Stored:
    """Store one chat turn through this process's group commit; raises what the single-turn
    path would (ProtocolError for a refused turn)."""
    return await turn_writer().store(turn)
