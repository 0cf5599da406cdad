"""The happy path on a real daphne: open, offer, accept, messages both ways, close."""

import pytest

from channels_chat.models import Conversation
from helpdesk.models import Message, Ticket
from tests.chat.helpers import agent_socket, client_id, customer_start

pytestmark = [pytest.mark.core, pytest.mark.slow]


def test_chat_round_trip(chat_server, agent):
    with agent_socket(chat_server, agent) as agent_ws:
        customer, welcome = customer_start(chat_server)
        assert welcome["state"] == "waiting" and welcome["queue"] == "technical"
        assert welcome["position"] == 1 and welcome["offline"] is False
        first = customer.expect("message")
        assert (first["seq"], first["from"], first["text"]) == (
            1,
            "customer",
            "No tengo señal en mi celular",
        )
        offer = agent_ws.expect("conversation")
        assert offer["conversation"]["offered_to"] == agent.pk
        conversation = welcome["conversation"]
        agent_ws.send({"type": "accept", "conversation": conversation})
        assigned = customer.expect("assigned")
        assert assigned["agent"] == "Agente1"

        cid = client_id()
        customer.send({"type": "message", "id": cid, "text": "Hola, sigo sin señal"})
        ack = customer.expect("ack", id=cid)
        assert ack["seq"] == 2 and ack["duplicate"] is False
        seen = agent_ws.expect("message", seq=2)
        assert seen["conversation"] == conversation and seen["internal"] is False

        agent_ws.send(
            {
                "type": "message",
                "conversation": conversation,
                "id": "a1",
                "text": "Reinicia el equipo, por favor",
            }
        )
        assert agent_ws.expect("ack", id="a1")["seq"] == 3
        reply = customer.expect("message", seq=3)
        assert (reply["from"], reply["name"], reply["id"]) == ("agent", "Agente1", "a1")

        agent_ws.send({"type": "close", "conversation": conversation})
        assert customer.expect("closed")["by"] == "agent"
        customer.close()
    ticket = Ticket.objects.get()
    assert ticket.channel == "chat" and ticket.status == "resolved"
    assert ticket.assignee_id == agent.pk
    assert list(Message.objects.order_by("seq").values_list("seq", "author_kind")) == [
        (1, "customer"),
        (2, "customer"),
        (3, "agent"),
    ]
    assert Conversation.objects.get().state == "ended"
