"""Delivery guarantees: dedupe, resume in order and once, typing, transfer, offline fallback."""

import pytest

from channels_chat.models import Conversation
from helpdesk.models import Message, TicketEvent
from tests.chat.helpers import agent_socket, customer_socket, customer_start

pytestmark = [pytest.mark.core, pytest.mark.slow]


def accepted_chat(server, agent_ws):
    customer, welcome = customer_start(server)
    customer.expect("message", seq=1)
    agent_ws.send({"type": "accept", "conversation": welcome["conversation"]})
    customer.expect("assigned")
    return customer, welcome


def test_same_client_id_is_stored_once(chat_server, agent):
    with agent_socket(chat_server, agent) as agent_ws:
        customer, welcome = accepted_chat(chat_server, agent_ws)
        conversation = welcome["conversation"]
        for _ in range(2):
            customer.send({"type": "message", "id": "dup", "text": "hola"})
        first, second = customer.expect("ack", id="dup"), customer.expect("ack", id="dup")
        assert (first["seq"], first["duplicate"]) == (2, False)
        assert (second["seq"], second["duplicate"]) == (2, True)
        for _ in range(2):
            agent_ws.send(
                {"type": "message", "conversation": conversation, "id": "dup", "text": "respuesta"}
            )
        acks = [agent_ws.expect("ack", id="dup") for _ in range(2)]
        assert [(a["seq"], a["duplicate"]) for a in acks] == [(3, False), (3, True)]
        echoed = [f for f in customer.drain(0.5) if f["type"] == "message"]
        assert [f["seq"] for f in echoed] == [2, 3]
        customer.close()
    assert Message.objects.count() == 3
    assert set(Message.objects.values_list("client_id", flat=True)) == {None, "c:dup", "a:dup"}


def test_resume_replays_missed_messages_in_order_once(chat_server, agent):
    with agent_socket(chat_server, agent) as agent_ws:
        customer, welcome = accepted_chat(chat_server, agent_ws)
        conversation = welcome["conversation"]
        customer.send({"type": "message", "id": "c1", "text": "uno"})
        customer.expect("ack", id="c1")
        agent_ws.send({"type": "message", "conversation": conversation, "id": "a1", "text": "dos"})
        customer.expect("message", seq=3)
        customer.close()
        # While the customer is away: a public reply (emailed, nobody is connected) and a note.
        agent_ws.send(
            {
                "type": "message",
                "conversation": conversation,
                "id": "a2",
                "text": "tres",
                "internal": True,
            }
        )
        agent_ws.expect("ack", id="a2")
        agent_ws.send(
            {"type": "message", "conversation": conversation, "id": "a3", "text": "cuatro"}
        )
        agent_ws.expect("ack", id="a3")

        with customer_socket(chat_server) as again:
            again.send({"type": "hello", "resume": welcome["resume"], "after": 3})
            back = again.expect("welcome")
            assert (back["conversation"], back["state"], back["agent"], back["after"]) == (
                conversation,
                "active",
                "Agente1",
                3,
            )
            agent_ws.send(
                {"type": "message", "conversation": conversation, "id": "a4", "text": "cinco"}
            )
            frames = [f for f in again.drain(0.8) if f["type"] == "message"]
            assert [(f["seq"], f["text"]) for f in frames] == [(5, "cuatro"), (6, "cinco")]
    emailed = dict(Message.objects.values_list("seq", "delivery_status"))
    assert emailed == {1: "", 2: "", 3: "", 4: "", 5: "pending", 6: ""}


def test_typing_reaches_the_other_side_only(chat_server, agent):
    with agent_socket(chat_server, agent) as agent_ws:
        customer, welcome = accepted_chat(chat_server, agent_ws)
        customer.send({"type": "typing"})
        typing = agent_ws.expect("typing")
        assert typing == {
            "type": "typing",
            "conversation": welcome["conversation"],
            "name": "Ana",
            "active": True,
        }
        agent_ws.send({"type": "typing", "conversation": welcome["conversation"], "active": False})
        assert customer.expect("typing")["active"] is False
        assert not [f for f in customer.drain(0.3) if f["type"] == "typing"]
        customer.close()
    assert Message.objects.count() == 1


def test_transfer_to_billing_with_note(chat_server, agent, billing_agent):
    with (
        agent_socket(chat_server, agent) as tech,
        agent_socket(chat_server, billing_agent) as billing,
    ):
        customer, welcome = accepted_chat(chat_server, tech)
        conversation = welcome["conversation"]
        tech.send(
            {
                "type": "transfer",
                "conversation": conversation,
                "queue": "billing",
                "note": "Quiere un reembolso",
            }
        )
        moved = customer.expect("transferred")
        assert (moved["queue"], moved["queue_name"]) == ("billing", "Facturación y saldo")
        offer = billing.expect("conversation")["conversation"]
        assert (offer["queue"], offer["state"], offer["offered_to"]) == (
            "billing",
            "transferred",
            billing_agent.pk,
        )
        billing.send({"type": "history", "conversation": conversation})
        history = billing.expect("history")
        assert [m["internal"] for m in history["messages"]] == [False, True]
        assert history["messages"][1]["text"] == "Transferencia: Quiere un reembolso"
        billing.send({"type": "accept", "conversation": conversation})
        assert customer.expect("assigned")["agent"] == "Agente2"
        billing.send(
            {
                "type": "message",
                "conversation": conversation,
                "id": "b1",
                "text": "Hola, soy de facturación",
            }
        )
        assert customer.expect("message", id="b1")["name"] == "Agente2"
        tech.send({"type": "message", "conversation": conversation, "id": "t9", "text": "x"})
        assert tech.expect("error", id="t9")["code"] == "forbidden"
        texts = [f["text"] for f in customer.frames if f["type"] == "message"]
        assert "Transferencia: Quiere un reembolso" not in texts
        customer.close()
    conv = Conversation.objects.select_related("ticket__queue").get()
    assert (conv.queue.slug, conv.ticket.queue.slug, conv.agent_id) == (
        "billing",
        "billing",
        billing_agent.pk,
    )
    assert TicketEvent.objects.filter(kind="queue_changed").count() == 1


@pytest.fixture
def chat_env(chat_env):
    return {**chat_env, "CHAT_ACCEPT_TIMEOUT": "1"}


def test_offline_when_nobody_online_and_when_nobody_accepts(chat_server, agent):
    customer, welcome = customer_start(chat_server)
    assert welcome["offline"] is True
    customer.close()
    with agent_socket(chat_server, agent) as agent_ws:
        late, welcome2 = customer_start(chat_server, email="beto@example.com")
        assert welcome2["offline"] is False
        assert late.expect("offline", timeout=5)["email"] is True
        agent_ws.expect("conversation")
        late.close()
    assert list(Conversation.objects.order_by("pk").values_list("offline", flat=True)) == [
        True,
        True,
    ]
