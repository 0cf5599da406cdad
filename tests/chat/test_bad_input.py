"""Bad input on real sockets: an error frame with a code, socket still usable, nothing stored."""

import json

import pytest

from helpdesk.models import Message, Ticket
from tests.chat.helpers import agent_socket, customer_socket, customer_start

pytestmark = [pytest.mark.core, pytest.mark.slow]


@pytest.fixture
def chat_env(chat_env):
    return {
        **chat_env,
        "CHAT_MAX_FRAME_BYTES": "2000",
        "CHAT_MAX_TEXT_CHARS": "500",
        "CHAT_RATE_PER_SECOND": "2",
        "CHAT_RATE_BURST": "15",
    }


def test_customer_bad_frames_store_nothing(chat_server):
    with customer_socket(chat_server) as ws:
        ws.send({"type": "message", "id": "early", "text": "antes del hello"})
        assert ws.expect("error")["code"] == "not_started"
        for raw, code in [
            ("{nope", "bad_json"),
            ("42", "bad_frame"),
            ({"type": "dance"}, "unknown_type"),
            ({"type": "hello", "name": "Ana"}, "missing_field"),
            ({"type": "accept", "conversation": 1}, "unknown_type"),
            ("x" * 3000, "too_large"),
        ]:
            ws.send(raw)
            assert ws.expect("error")["code"] == code
        ws.send({"type": "ping"})
        ws.expect("pong")
        assert Ticket.objects.count() == 0 and Message.objects.count() == 0

        ws.send({"type": "hello", "name": "Ana", "email": "ana@example.com", "topic": "Sin datos"})
        welcome = ws.expect("welcome")
        assert Message.objects.count() == 1
        ws.send({"type": "message", "id": "big", "text": "y" * 600})
        assert ws.expect("error", id="big")["code"] == "too_large"
        ws.send({"type": "message", "id": "m1", "text": "hola", "conversation": 999})
        assert ws.expect("error", id="m1")["code"] == "invalid_field"
        ws.send({"type": "hello", "name": "Otra", "email": "b@example.com"})
        assert ws.expect("error")["code"] == "already_started"
        assert Message.objects.count() == 1 and Ticket.objects.count() == 1

        # A flood: the bucket lets the burst through and rejects the rest, storing nothing.
        for n in range(40):
            ws.send({"type": "message", "id": f"f{n}", "text": f"spam {n}"})
        frames = ws.drain(1.0)
        acks = [f for f in frames if f["type"] == "ack"]
        limited = [f for f in frames if f["type"] == "error" and f["code"] == "rate_limited"]
        assert len(limited) >= 20 and len(acks) + len(limited) == 40
        assert Message.objects.count() == 1 + len(acks)
        stored = set(Message.objects.exclude(client_id=None).values_list("client_id", flat=True))
        assert stored == {f"c:{a['id']}" for a in acks}
    assert welcome["ticket"] == Ticket.objects.get().reference


def test_resume_forged_and_expired(chat_server):
    from django.utils import timezone

    from channels_chat.models import Conversation

    first, welcome = customer_start(chat_server)
    first.close()
    with customer_socket(chat_server) as ws:
        ws.send({"type": "hello", "resume": "forged-token", "after": 0})
        assert ws.expect("error")["code"] == "resume_invalid"
        ws.send({"type": "ping"})
        ws.expect("pong")
    Conversation.objects.update(state="ended", ended_at=timezone.now() - timezone.timedelta(days=3))
    with customer_socket(chat_server) as ws:
        ws.send({"type": "hello", "resume": welcome["resume"], "after": 0})
        assert ws.expect("error")["code"] == "resume_expired"
        assert not [f for f in ws.drain(0.3) if f["type"] == "message"]
    assert Message.objects.count() == 1


def test_agent_permissions(chat_server, agent, billing_agent):
    from rest_framework.authtoken.models import Token

    from tests.chat.wsclient import Socket

    with Socket(f"{chat_server.ws_url}/ws/agent/", customer=False) as anonymous:
        assert anonymous.expect("error")["code"] == "unauthenticated"
    with Socket(f"{chat_server.ws_url}/ws/agent/?token=forged", customer=False) as forged:
        assert forged.expect("error")["code"] == "unauthenticated"
    Token.objects.get_or_create(user=agent)
    customer, welcome = customer_start(chat_server)  # technical queue
    conversation = welcome["conversation"]
    with agent_socket(chat_server, billing_agent) as other:
        for frame in [
            {"type": "accept", "conversation": conversation},
            {"type": "message", "conversation": conversation, "id": "x1", "text": "no es mío"},
            {"type": "history", "conversation": conversation},
            {"type": "transfer", "conversation": conversation, "queue": "billing"},
            {"type": "close", "conversation": conversation},
            {"type": "typing", "conversation": conversation},
        ]:
            other.send(frame)
            assert other.expect("error")["code"] == "forbidden", frame
        other.send({"type": "accept", "conversation": 424242})
        assert other.expect("error")["code"] == "not_found"
        other.send(json.dumps({"type": "message", "conversation": conversation, "id": "x2"}))
        assert other.expect("error")["code"] == "missing_field"
    with agent_socket(chat_server, agent) as owner:
        owner.send(
            {"type": "message", "conversation": conversation, "id": "early", "text": "sin aceptar"}
        )
        assert owner.expect("error", id="early")["code"] == "not_waiting"
    customer.close()
    assert Message.objects.count() == 1
    assert Ticket.objects.get().assignee_id is None
