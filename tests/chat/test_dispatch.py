"""Chat sockets handle frames and events without channels' per-message connection hop."""

import channels.consumer
import pytest
from channels.testing import WebsocketCommunicator

from channels_chat.consumers.customer import CustomerConsumer

pytestmark = [pytest.mark.core]


async def test_frames_and_events_skip_the_per_message_database_hop(monkeypatch):
    hops: list[int] = []

    async def counted() -> None:
        hops.append(1)

    monkeypatch.setattr(channels.consumer, "aclose_old_connections", counted)
    communicator = WebsocketCommunicator(CustomerConsumer.as_asgi(), "/ws/chat/")
    connected, _ = await communicator.connect()
    assert connected
    for _ in range(3):
        await communicator.send_json_to({"type": "ping"})
        assert await communicator.receive_json_from(timeout=5) == {"type": "pong"}
    await communicator.send_json_to({"type": "typing"})  # before hello: an error frame
    assert (await communicator.receive_json_from(timeout=5))["code"] == "not_started"
    assert hops == []
    await communicator.disconnect()
