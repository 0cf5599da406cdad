"""Group commit of chat turns: several turns stored together, each as if it were alone."""

import asyncio
import contextlib
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from channels_chat.dbhop import pool_close
from channels_chat.protocol import ProtocolError
from channels_chat.services.assignment import conversation_accept
from channels_chat.services.conversations import (
    CustomerSide,
    Stored,
    conversation_open,
)
from channels_chat.services.turns import AgentLine, CustomerLine, chat_turns_store
from channels_chat.writer import TurnWriter, turn_writer_close
from helpdesk.models import Message, Status, Ticket, TicketEvent
from helpdesk.sla.models import SlaClockEvent
from helpdesk.sla.seed import seed as sla_seed

pytestmark = [pytest.mark.core]


def chat(name: str, agent=None):
    opened = conversation_open(name=name, email=f"{name}@example.com", topic="No tengo señal")
    conversation = opened.conversation
    if agent is not None:
        conversation = conversation_accept(conversation.pk, agent=agent)
    return conversation, CustomerSide.of(conversation)


def timeline(ticket_id: int) -> list[tuple[int, str | None, str]]:
    return list(
        Message.objects.filter(ticket_id=ticket_id)
        .order_by("seq")
        .values_list("seq", "client_id", "text")
    )


@contextlib.asynccontextmanager
async def database_pool(size: int = 4):
    """Database hops of the test on a pool of its own, whose connections are closed at the end
    (else they keep the test database open and pytest-django cannot drop it)."""
    loop = asyncio.get_running_loop()
    pool = ThreadPoolExecutor(size)
    loop.set_default_executor(pool)
    try:
        yield
    finally:
        await turn_writer_close()  # the loop's chat writer has threads of its own
        await pool_close(pool, size)
        loop.set_default_executor(ThreadPoolExecutor())
        await sync_to_async(connections.close_all)()


def test_a_batch_stores_each_turn_as_if_alone(db, queues, agent):
    sla_seed(io.StringIO())  # the demo's policies: the chat's ticket gets a running clock
    first, first_side = chat("ana", agent)
    waiting, waiting_side = chat("bea")  # nobody accepted it: the agent may not write there
    outcomes = chat_turns_store(
        [
            CustomerLine(first_side, "c1", "uno"),
            AgentLine(first.pk, agent, "a1", "dos"),
            CustomerLine(first_side, "c1", "uno"),  # the same id again: stored once
            AgentLine(waiting.pk, agent, "x1", "no"),
            CustomerLine(waiting_side, "c1", "hola"),
            CustomerLine(first_side, "c2", "tres"),
        ]
    )
    refused = outcomes[3]
    assert isinstance(refused, ProtocolError) and refused.code == "not_waiting"
    assert refused.client_id == "x1"
    # Customer lines commit first (in their order per ticket), then agent lines.
    assert [o for i, o in enumerate(outcomes) if i != 3] == [
        Stored(2, False),
        Stored(4, False),
        Stored(2, True),
        Stored(2, False),
        Stored(3, False),
    ]
    assert [row[:2] for row in timeline(first.ticket_id)] == [
        (1, None),
        (2, "c:c1"),
        (3, "c:c2"),
        (4, "a:a1"),
    ]
    assert [row[:2] for row in timeline(waiting.ticket_id)] == [(1, None), (2, "c:c1")]
    ticket = Ticket.objects.get(pk=first.ticket_id)
    # A live chat turn keeps the ticket open and meets the first response; no event per line.
    assert ticket.status == Status.OPEN
    assert ticket.first_response_at is not None
    met = SlaClockEvent.objects.filter(ticket=ticket, kind="met", target="first_response")
    assert met.count() == 1
    assert not TicketEvent.objects.filter(ticket=ticket, kind="replied").exists()


def test_retries_of_stored_lines_are_acked_with_their_first_seq(db, queues, agent):
    """An agent line's retry is found by its turn check (one statement, nothing written); a
    customer line's retry is not looked up first: it fails its batch on the unique constraint,
    and the batch's lines are stored again one by one, the retry acked with its first seq."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    conversation, side = chat("ana", agent)
    first = chat_turns_store(
        [CustomerLine(side, "c1", "uno"), AgentLine(conversation.pk, agent, "a1", "dos")]
    )
    assert first == [Stored(2, False), Stored(3, False)]
    again = chat_turns_store(
        [
            AgentLine(conversation.pk, agent, "a1", "dos"),
            CustomerLine(side, "c1", "uno"),
            CustomerLine(side, "a1", "un id de agente, pero de cliente"),  # its own space
            CustomerLine(side, "c2", "nuevo"),
        ]
    )
    assert again == [Stored(3, True), Stored(2, True), Stored(4, False), Stored(5, False)]
    assert [row[:2] for row in timeline(conversation.ticket_id)] == [
        (1, None),
        (2, "c:c1"),
        (3, "a:a1"),
        (4, "c:a1"),
        (5, "c:c2"),
    ]
    assert Ticket.objects.get(pk=conversation.ticket_id).last_seq == 5  # no number lost
    with CaptureQueriesContext(connection) as queries:
        retried = chat_turns_store([AgentLine(conversation.pk, agent, "a1", "dos")])
    assert retried == [Stored(3, True)]
    assert len(queries.captured_queries) == 1
    assert "helpdesk_queue_members" in queries.captured_queries[0]["sql"]  # the turn check


def test_a_failing_turn_leaves_its_batch_stored_once(db, queues, agent):
    conversation, side = chat("ana", agent)
    ghost = CustomerSide(0, 999_999, "nadie", "nadie@example.com", "es")  # no such ticket
    outcomes = chat_turns_store(
        [
            CustomerLine(side, "c1", "uno"),
            CustomerLine(ghost, "c1", "perdido"),
            AgentLine(conversation.pk, agent, "a1", "dos"),
        ]
    )
    assert outcomes[0] == Stored(2, False)
    assert isinstance(outcomes[1], Ticket.DoesNotExist)
    assert outcomes[2] == Stored(3, False)
    assert [row[:2] for row in timeline(conversation.ticket_id)] == [
        (1, None),
        (2, "c:c1"),
        (3, "a:a1"),
    ]
    assert not Message.objects.filter(text="perdido").exists()


async def test_turns_arriving_during_a_write_share_the_next_batch(transactional_db, queues, agent):
    async with database_pool():
        await _share_the_next_batch(agent)


async def _share_the_next_batch(agent):
    conversation, side = await sync_to_async(chat)("ana", agent)
    writer = TurnWriter(asyncio.get_running_loop())
    try:
        await _batches_shared(writer, conversation, side, agent)
    finally:
        await writer.close()


async def _batches_shared(writer, conversation, side, agent):
    alone = asyncio.ensure_future(writer.store(CustomerLine(side, "c0", "sola")))
    for _ in range(3):  # store() runs, then the writer's task takes the turn at once
        await asyncio.sleep(0)
    assert writer.in_flight == 1 and writer.pending == []
    together = [
        writer.store(CustomerLine(side, "c1", "uno")),
        writer.store(AgentLine(conversation.pk, agent, "a1", "dos")),
        writer.store(CustomerLine(side, "c2", "tres")),
        writer.store(AgentLine(conversation.pk, agent, "a1", "dos")),
    ]
    results = await asyncio.gather(alone, *together)
    assert results == [
        Stored(2, False),
        Stored(3, False),
        Stored(5, False),
        Stored(4, False),
        Stored(5, True),
    ]
    assert (writer.batches, writer.largest, writer.in_flight) == (2, 4, 0)
    with pytest.raises(ProtocolError) as refused:
        await writer.store(AgentLine(conversation.pk + 1000, agent, "a9", "¿?"))
    assert refused.value.code == "not_found"
    rows = await sync_to_async(timeline)(conversation.ticket_id)
    assert [row[:2] for row in rows] == [
        (1, None),
        (2, "c:c0"),
        (3, "c:c1"),
        (4, "c:c2"),
        (5, "a:a1"),
    ]


async def test_an_accepted_chat_stops_its_waiting_tick(
    transactional_db, queues, agent, settings, monkeypatch
):
    from channels.testing import WebsocketCommunicator

    from channels_chat.consumers.customer import CustomerConsumer
    from channels_chat.services import assignment

    settings.CHAT_TICK_SECONDS = 0.2
    ticks: list[int] = []
    tick = assignment.conversation_waiting_tick

    def counted(conversation_id):
        ticks.append(conversation_id)
        return tick(conversation_id)

    monkeypatch.setattr(assignment, "conversation_waiting_tick", counted)
    customer = WebsocketCommunicator(CustomerConsumer.as_asgi(), "/ws/chat/")
    async with database_pool():
        assert (await customer.connect())[0]
        await customer.send_json_to(
            {"type": "hello", "name": "Ana", "email": "ana@example.com", "topic": "Sin señal"}
        )
        welcome = await customer.receive_json_from(timeout=10)
        assert welcome["type"] == "welcome" and welcome["state"] == "waiting"
        while len(ticks) < 2:  # the socket polls while the chat waits
            await asyncio.sleep(0.05)
        await sync_to_async(conversation_accept)(welcome["conversation"], agent=agent)
        frames = []
        while not any(frame["type"] == "assigned" for frame in frames):
            frames.append(await customer.receive_json_from(timeout=10))
        polled = len(ticks)
        await asyncio.sleep(0.7)  # more than three tick periods
        assert len(ticks) == polled
        await customer.disconnect()


def test_agent_checks_of_a_batch_are_read_together(db, queues, agent, billing_agent, supervisor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from channels_chat.selectors import agent_turns_read

    mine, _side = chat("ana", agent)
    with CaptureQueriesContext(connection) as queries:
        turns = agent_turns_read(
            [(mine.pk, agent), (mine.pk, billing_agent), (mine.pk + 1000, agent)]
            + [(mine.pk, supervisor), (mine.pk, agent)]
        )
    assert len(queries.captured_queries) == 1
    assert turns[2] is None  # no such conversation
    present = [t for t in turns if t is not None]
    assert {(t.ticket_id, t.state, t.agent_id) for t in present} == {
        (mine.ticket_id, "active", agent.pk)
    }
    assert [(t.may_work, t.works_all) for t in present] == [
        (True, False),  # a member of the chat's queue
        (False, False),  # billing only
        (True, True),  # a supervisor works every chat
        (True, False),  # the same pair twice: the same answer
    ]


def _reply_trace(ticket_id: int) -> tuple:
    ticket = Ticket.objects.get(pk=ticket_id)
    return (
        ticket.status,
        ticket.assignee_id,
        ticket.first_response_at is not None,
        ticket.last_seq,
        list(
            TicketEvent.objects.filter(ticket_id=ticket_id)
            .order_by("pk")
            .values_list("kind", "old_value", "new_value")
        ),
        list(
            SlaClockEvent.objects.filter(ticket_id=ticket_id)
            .order_by("pk")
            .values_list("kind", "target")
        ),
        [row[:2] for row in timeline(ticket_id)],
    )


@pytest.mark.parametrize("channel", ["web", "chat"])
def test_replies_written_together_equal_replies_one_by_one(db, queues, agent, channel):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from helpdesk.services.intake import Inbound, intake_receive
    from helpdesk.services.replies import Reply, ticket_reply, ticket_reply_many

    sla_seed(io.StringIO())

    def opened(name: str) -> int:
        inbound = Inbound(channel=channel, text="No tengo señal", name=name, email=f"{name}@x.mx")
        return intake_receive(inbound).ticket.pk

    alone, together, other = opened("ana"), opened("bea"), opened("eva")
    for text, client_id in (("uno", "a:1"), ("dos", "a:2")):
        ticket_reply(Ticket(pk=alone), author=agent, text=text, client_id=client_id)
    with CaptureQueriesContext(connection) as queries:
        replied = ticket_reply_many(
            [
                Reply(together, agent, "uno", client_id="a:1"),
                Reply(other, agent, "otra", client_id="a:1"),
                Reply(together, agent, "dos", client_id="a:2"),
                Reply(together, agent, "uno", client_id="a:1"),  # a repeat in the batch
            ]
        )
    assert [(r.message.seq, r.duplicate) for r in replied] == [
        (2, False),
        (2, False),
        (3, False),
        (2, True),
    ]
    assert replied[3].message.pk == replied[0].message.pk
    # Two replies to one ticket and one to another: same rows, events and SLA as one by one.
    expected = _reply_trace(alone)
    assert _reply_trace(together) == expected
    assert expected[0] == "waiting" and expected[1] == agent.pk and expected[2]
    assert [kind for kind, *_ in expected[4]].count("replied") == (2 if channel == "web" else 0)
    assert ("met", "first_response") in expected[5]
    trace = _reply_trace(other)
    assert trace[6] == [(1, None), (2, "a:1")] and trace[2]
    statements = [q["sql"] for q in queries.captured_queries]
    # The three new messages in one statement.
    assert sum('INSERT INTO "helpdesk_message"' in sql for sql in statements) == 1


def test_a_batch_of_replies_asks_once_which_customers_are_connected(db, queues, agent, monkeypatch):
    """The offline fallback per reply (email the customer who left), decided by one presence
    read for the whole batch, before its transaction."""
    from channels_chat import leases
    from helpdesk.models import DeliveryStatus

    here, _ = chat("ana", agent)
    gone, _ = chat("bea", agent)
    also_here, _ = chat("cora", agent)
    for conversation in (here, also_here):
        leases.lease_open(leases.customer_key(conversation.ticket_id), f"test!{conversation.pk}")
    reads: list[list[str]] = []
    real = leases.lease_counts

    def counting(keys):
        keys = list(keys)
        reads.append(keys)
        return real(keys)

    monkeypatch.setattr(leases, "lease_counts", counting)
    outcomes = chat_turns_store(
        [
            AgentLine(here.pk, agent, "a1", "hola"),
            AgentLine(gone.pk, agent, "a1", "hola"),
            AgentLine(also_here.pk, agent, "a1", "hola"),
        ]
    )
    assert outcomes == [Stored(2, False)] * 3
    assert len(reads) == 1
    assert sorted(reads[0]) == sorted(
        leases.customer_key(c.ticket_id) for c in (here, gone, also_here)
    )
    emailed = {
        ticket_id: status
        for ticket_id, status in Message.objects.filter(client_id="a:a1").values_list(
            "ticket_id", "delivery_status"
        )
    }
    assert emailed == {
        here.ticket_id: "",
        gone.ticket_id: DeliveryStatus.PENDING,
        also_here.ticket_id: "",
    }
