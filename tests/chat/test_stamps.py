"""Stage stamps (`CHAT_STAMPS_DIR`): where a chat turn's milliseconds go."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from channels_chat import stamps
from channels_chat.consumers.agent import AgentConsumer
from channels_chat.consumers.customer import CustomerConsumer
from tests.chat.test_turns import chat, database_pool

pytestmark = [pytest.mark.core]


@pytest.fixture
def stamping(tmp_path, monkeypatch):
    monkeypatch.setattr(stamps, "ON", True)
    monkeypatch.setattr(stamps, "DIRECTORY", str(tmp_path))
    monkeypatch.setattr(stamps, "_lines", [])
    return tmp_path


def test_nothing_is_stamped_when_switched_off(tmp_path, monkeypatch):
    monkeypatch.setattr(stamps, "ON", False)
    monkeypatch.setattr(stamps, "DIRECTORY", str(tmp_path))
    stamps.stamp("c1", "received")
    stamps.stamps_flush()
    assert list(tmp_path.iterdir()) == []


def test_stamps_of_several_files_are_read_together(stamping):
    stamps.stamp("c1", "received")
    stamps.stamp(None, "received")  # frames without a client id are not stamped
    stamps.stamps_flush()
    (stamping / "stamps-other.txt").write_text("c1 delivered 7.5\nc2 received 1.25\n")
    found = stamps.stamps_read(str(stamping))
    assert set(found) == {"c1", "c2"}
    assert set(found["c1"]) == {"received", "delivered"}
    assert found["c1"]["delivered"] == 7.5
    assert found["c2"] == {"received": 1.25}


def test_spans_are_summarised_in_milliseconds_over_the_chosen_turns():
    recorded = {
        f"p{i}": {"sent": 10.0, "received": 10.0 + i / 1000, "arrived": 10.0 + 2 * i / 1000}
        for i in range(1, 101)
    }
    recorded["x1"] = {"sent": 0.0, "arrived": 9.0}  # not asked for
    recorded["p0"] = {"sent": 10.0}  # lost: counted nowhere
    summary = stamps.stages_summarize(recorded, [f"p{i}" for i in range(101)] + ["missing"])
    assert summary == {
        "client_to_server": {"n": 100, "p50": 51.0, "p90": 90.0, "p99": 99.0},
        "total": {"n": 100, "p50": 102.0, "p90": 180.0, "p99": 198.0},
    }


async def test_a_turn_is_stamped_at_each_stage_on_both_sides(
    transactional_db, queues, agent, stamping
):
    conversation, _side = await sync_to_async(chat)("ana", agent)
    async with database_pool():
        agent_socket = WebsocketCommunicator(AgentConsumer.as_asgi(), "/ws/agent/?scope=own")
        agent_socket.scope["user"] = agent
        assert (await agent_socket.connect())[0]
        assert (await agent_socket.receive_json_from(timeout=10))["type"] == "ready"
        customer = WebsocketCommunicator(CustomerConsumer.as_asgi(), "/ws/chat/")
        assert (await customer.connect())[0]
        token = await sync_to_async(_resume_token)(conversation.pk)
        await customer.send_json_to({"type": "hello", "resume": token, "after": 1})
        assert (await customer.receive_json_from(timeout=10))["type"] == "welcome"

        await customer.send_json_to({"type": "message", "id": "m1", "text": "hola"})
        frames = [await customer.receive_json_from(timeout=10) for _ in range(2)]
        assert {frame["type"] for frame in frames} == {"ack", "message"}  # ack and echo
        while (frame := await agent_socket.receive_json_from(timeout=10))["type"] != "message":
            pass
        assert frame["id"] == "m1"
        await asyncio.sleep(0.05)
        await customer.disconnect()
        await agent_socket.disconnect()
    stamps.stamps_flush()
    turn = stamps.stamps_read(str(stamping))["m1"]
    order = ["received", "batched", "thread", "committed", "stored", "acked"]
    assert [turn[stage] for stage in order] == sorted(turn[stage] for stage in order)
    # After the store began (the in-memory layer delivers inside the commit, before the
    # store returns and stamps `committed`; Redis a moment after it).
    assert turn["delivered"] > turn["thread"]
    # Delivered to the other side (the agent) once; the customer's own echo is not it.
    lines = "".join(path.read_text() for path in stamping.iterdir()).splitlines()
    assert sum(line.startswith("m1 delivered ") for line in lines) == 1


def _resume_token(conversation_id: int) -> str:
    """A fresh resume token for the conversation (the test opened it without a socket)."""
    from channels_chat.models import Conversation
    from channels_chat.selectors import token_hash

    token = f"stamps-{conversation_id}"
    Conversation.objects.filter(pk=conversation_id).update(resume_hash=token_hash(token))
    return token
