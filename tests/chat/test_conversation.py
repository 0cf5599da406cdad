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


@pytest.fixture
def chat_policy(transactional_db):
    """Created before the daphne process starts, so no policy cache there can miss it."""
    from tests.sla.helpers import policy

    return policy(first_response_minutes=5, next_response_minutes=3, resolution_minutes=240)


def test_live_chat_stays_open_and_answers_meet_the_sla(chat_policy, chat_server, agent):
    """Agent turns in an active chat keep the ticket open (no waiting/open flip per turn);
    the first answer meets first response, the next answer the next-response target; once
    the customer leaves after an answer, the ticket waits on them and the clock pauses."""
    from helpdesk.models import TicketEvent
    from helpdesk.sla.models import SlaClockEvent, TicketClock

    with agent_socket(chat_server, agent) as agent_ws:
        customer, welcome = customer_start(chat_server)
        conversation = welcome["conversation"]
        agent_ws.send({"type": "accept", "conversation": conversation})
        customer.expect("assigned")
        for n in range(2):
            agent_ws.send(
                {"type": "message", "conversation": conversation, "id": f"a{n}", "text": "¿Y?"}
            )
            agent_ws.expect("ack", id=f"a{n}")
            customer.send({"type": "message", "id": f"c{n}", "text": "Sigo sin señal"})
            customer.expect("ack", id=f"c{n}")
        agent_ws.send({"type": "message", "conversation": conversation, "id": "a2", "text": "Ok"})
        agent_ws.expect("ack", id="a2")

        ticket = Ticket.objects.get()
        assert ticket.status == "open"
        changes = TicketEvent.objects.filter(ticket=ticket, kind="status_changed")
        assert list(changes.values_list("old_value", "new_value")) == [("new", "open")]
        clock = TicketClock.objects.get(ticket=ticket)
        first_answer = Message.objects.get(client_id="a:a0").created_at
        assert ticket.first_response_at is not None
        assert abs((ticket.first_response_at - first_answer).total_seconds()) < 0.1
        assert clock.targets["first_response"]["state"] == "met"
        assert clock.targets["first_response"]["met_at"] == ticket.first_response_at.isoformat()
        assert clock.targets["next_response"]["state"] == "met"
        assert ticket.last_agent_message_at is not None
        last_answer = ticket.last_agent_message_at.isoformat()
        assert clock.targets["next_response"]["met_at"] == last_answer
        assert clock.targets["resolution"]["state"] == "running" and not clock.pause_reasons
        kinds = list(
            SlaClockEvent.objects.filter(ticket_id=ticket.pk)
            .order_by("id")
            .values_list("kind", "target")
        )
        assert ("paused", "") not in kinds and ("resumed", "") not in kinds
        assert kinds.count(("started", "next_response")) == 2  # one per customer line

        customer.send({"type": "leave"})
        assert customer.expect("closed")["by"] == "customer"
        customer.close()
    ticket.refresh_from_db()
    assert ticket.status == "waiting"
    assert TicketClock.objects.get(ticket=ticket).pause_reasons == ["waiting"]
    assert Conversation.objects.get().state == "ended"


def test_customer_leaving_unanswered_keeps_the_ticket_open(chat_server, agent):
    with agent_socket(chat_server, agent) as agent_ws:
        customer, welcome = customer_start(chat_server)
        conversation = welcome["conversation"]
        agent_ws.send({"type": "accept", "conversation": conversation})
        customer.expect("assigned")
        agent_ws.send({"type": "message", "conversation": conversation, "id": "a", "text": "Hola"})
        agent_ws.expect("ack", id="a")
        customer.send({"type": "message", "id": "c", "text": "Necesito ayuda"})
        customer.expect("ack", id="c")
        customer.send({"type": "leave"})
        customer.expect("closed")
        customer.send({"type": "message", "id": "late", "text": "otra cosa"})
        assert customer.expect("error", id="late")["code"] == "conversation_ended"
        customer.close()
    assert Ticket.objects.get().status == "open"
    assert not Message.objects.filter(client_id="c:late").exists()
