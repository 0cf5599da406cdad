"""A customer socket never passes over a seq it has not seen: a live event that outruns the
database read, or a line whose event never came, still reaches the customer, once, in order.

In-process socket (channels' communicator) on the configured channel layer; the races are
driven deterministically: an event for a seq the database does not have yet, a commit whose
event is never sent.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.utils import timezone

from channels_chat import groups
from channels_chat.consumers.customer import CustomerConsumer
from channels_chat.models import Conversation
from channels_chat.ordering import TimelineCursor
from helpdesk.models import AuthorKind, Message, Ticket
from helpdesk.services.replies import ticket_reply
from helpdesk.services.timeline import message_append

pytestmark = [pytest.mark.core]


def payload(seq: int, text: str = "", *, internal: bool = False) -> dict[str, Any]:
    return {"seq": seq, "text": text or f"m{seq}", "internal": internal}


def test_cursor_sends_in_order_once_and_holds_what_is_ahead():
    cursor = TimelineCursor(2)
    assert cursor.offer([payload(4), payload(2), payload(1)]) == []  # 4 waits for 3
    assert cursor.gap() == (2, 4)
    assert [p["seq"] for p in cursor.offer([payload(3), payload(4)])] == [3, 4]
    assert (cursor.at, cursor.gap()) == (4, None)
    # An internal note's seq is passed over, never sent.
    assert [p["seq"] for p in cursor.offer([payload(6), payload(5, internal=True)])] == [6]
    assert cursor.offer([payload(6)]) == []


def test_cursor_gives_up_a_gap_only_when_told():
    cursor = TimelineCursor(0)
    assert cursor.offer([payload(3), payload(4)]) == []
    assert cursor.gap() == (0, 4)
    assert [p["seq"] for p in cursor.skip()] == [3, 4]
    assert (cursor.at, cursor.gap()) == (4, None)


async def frames_until(communicator: WebsocketCommunicator, kind: str) -> list[dict[str, Any]]:
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        frames.append(frame)
        if frame["type"] == kind:
            return frames


async def messages_within(communicator: WebsocketCommunicator, seconds: float) -> list[dict]:
    """The message frames of the next `seconds` (a receive timeout would cancel the app)."""
    frames = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if await communicator.receive_nothing(timeout=0.05):
            continue
        frame = await communicator.receive_json_from()
        if frame["type"] == "message":
            frames.append(frame)
    return frames


async def customer_started() -> tuple[WebsocketCommunicator, Ticket, int]:
    communicator = WebsocketCommunicator(CustomerConsumer.as_asgi(), "/ws/chat/")
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to(
        {"type": "hello", "name": "Ana", "email": "ana@example.com", "topic": "No tengo señal"}
    )
    welcome = (await frames_until(communicator, "welcome"))[-1]
    get = Conversation.objects.select_related("ticket").get
    conversation = await database_sync_to_async(get)(pk=welcome["conversation"])
    ticket = conversation.ticket
    replayed = await messages_within(communicator, 0.5)
    assert [f["seq"] for f in replayed] == list(range(1, ticket.last_seq + 1))
    return communicator, ticket, conversation.pk


@pytest.mark.django_db(transaction=True)
async def test_a_live_event_ahead_of_the_database_read_skips_nothing(queues, agent):
    """The event of seq n+2 arrives while neither n+1 nor n+2 can be read (their commits not
    visible to the socket's read yet): the socket must not move past them. Before the fix it
    set its cursor to n+2 on that empty read and dropped both lines when they came."""
    communicator, ticket, conversation = await customer_started()
    n = ticket.last_seq
    layer = get_channel_layer()
    ahead = {
        "ticket": ticket.reference,
        "seq": n + 2,
        "id": "a:dos",
        "from": "agent",
        "name": "Agente1",
        "channel": "chat",
        "text": "dos",
        "internal": False,
        "at": timezone.now().isoformat(),
    }
    await layer.group_send(
        groups.ticket_public_group(ticket.pk),
        {
            "type": "hd.event",
            "event": "message.added",
            "data": {"message": ahead, "ticket": {"id": ticket.pk}},
        },
    )
    # A marker behind it on the socket's channel: once it arrives, the event was handled.
    await layer.group_send(
        groups.conversation_group(conversation),
        {
            "type": "chat.typing",
            "conversation": conversation,
            "name": "Agente1",
            "active": True,
            "from": "agent",
            "sender": "test",
        },
    )
    handled = await frames_until(communicator, "typing")
    assert [f for f in handled if f["type"] == "message"] == []

    def replies() -> None:
        fresh = Ticket.objects.get(pk=ticket.pk)
        ticket_reply(fresh, author=agent, text="uno", client_id="a:uno")
        ticket_reply(fresh, author=agent, text="dos", client_id="a:dos")

    await database_sync_to_async(replies)()
    frames = await messages_within(communicator, 1.5)
    assert [(f["seq"], f["text"]) for f in frames] == [(n + 1, "uno"), (n + 2, "dos")]
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_line_committed_while_joining_without_its_event_still_arrives(queues):
    """A line whose event the socket never hears (published before Redis took the socket's
    SUBSCRIBE) is found by the socket's second look at the timeline after joining."""
    communicator, ticket, _conversation = await customer_started()

    def silent_notice() -> int:
        with transaction.atomic():  # appended without any realtime event
            locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
            return message_append(
                locked, author_kind=AuthorKind.SYSTEM, channel="chat", text="aviso"
            ).seq

    seq = await database_sync_to_async(silent_notice)()
    frames = await messages_within(communicator, 2.0)
    assert [(f["seq"], f["text"]) for f in frames] == [(seq, "aviso")]
    assert await database_sync_to_async(Message.objects.filter(ticket=ticket).count)() == seq
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_an_event_of_another_installation_on_the_same_redis_is_ignored(
    queues, agent, monkeypatch
):
    """Two installations sharing the channel layer's Redis prefix (a test run beside the
    benchmark) have tickets with the same ids: an event for "our" ticket id with another
    ticket's reference must neither hold the socket's cursor nor be sent (a gap given up
    quickly here would otherwise send it)."""
    from channels_chat.consumers import customer

    monkeypatch.setattr(customer, "GAP_RETRY_DELAYS", (0.01, 0.01))
    communicator, ticket, conversation = await customer_started()
    n = ticket.last_seq
    foreign = {
        "ticket": "HD-OTRA01",
        "seq": n + 3,
        "id": "a:x",
        "from": "agent",
        "name": "Otra",
        "channel": "chat",
        "text": "de otra instalación",
        "internal": False,
        "at": timezone.now().isoformat(),
    }
    await get_channel_layer().group_send(
        groups.ticket_public_group(ticket.pk),
        {
            "type": "hd.event",
            "event": "message.added",
            "data": {"message": foreign, "ticket": {"id": ticket.pk}},
        },
    )

    def reply() -> None:
        ticket_reply(Ticket.objects.get(pk=ticket.pk), author=agent, text="uno", client_id="a:1")

    await database_sync_to_async(reply)()
    frames = await messages_within(communicator, 1.0)
    assert [(f["seq"], f["text"]) for f in frames] == [(n + 1, "uno")]
    await communicator.disconnect()
