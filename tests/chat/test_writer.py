"""The chat writer's threads: every batch of a process on the same thread of its own."""

import threading

import pytest
from asgiref.sync import sync_to_async

from channels_chat.services.turns import CustomerLine, chat_turns_store
from tests.chat.test_turns import chat, database_pool, timeline

pytestmark = [pytest.mark.core]


async def test_batches_run_on_the_writers_own_thread(transactional_db, queues, agent, monkeypatch):
    """Every batch of a process's writer runs on the same thread of its own (one connection,
    warm), not on the pool the other database hops share."""
    from channels_chat import writer as writer_module
    from channels_chat.dbhop import db

    threads: list[str] = []

    def recorded(turns):
        threads.append(threading.current_thread().name)
        return chat_turns_store(turns)

    monkeypatch.setattr(writer_module, "chat_turns_store", recorded)
    async with database_pool():
        conversation, side = await sync_to_async(chat)("ana", agent)
        writer = writer_module.turn_writer()
        for n in range(6):  # one at a time: six batches
            await writer.store(CustomerLine(side, f"c{n}", f"línea {n}"))
        shared = {await db(lambda: threading.current_thread().name)() for _ in range(4)}
        rows = await sync_to_async(timeline)(conversation.ticket_id)
    assert writer.batches == 6
    assert len(set(threads)) == 1 and threads[0].startswith("chat-writer")
    assert not shared & set(threads)
    assert [row[1] for row in rows] == [None] + [f"c:c{n}" for n in range(6)]
