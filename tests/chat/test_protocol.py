"""The typed wire contract, as plain values (no server)."""

import json

import pytest

from channels_chat.protocol import (
    AGENT_FRAMES,
    CUSTOMER_FRAMES,
    ERROR_CODES,
    SERVER_FRAMES,
    ProtocolError,
    client_frame_parse,
    client_id_wire,
    server_frame_problems,
)
from channels_chat.throttle import TokenBucket

pytestmark = pytest.mark.core


def parse(frame, table=CUSTOMER_FRAMES, max_bytes=2000, max_text=100):
    raw = frame if isinstance(frame, str | bytes) else json.dumps(frame)
    return client_frame_parse(raw, table, max_bytes=max_bytes, max_text=max_text)


def code_of(frame, **kwargs):
    with pytest.raises(ProtocolError) as info:
        parse(frame, **kwargs)
    return info.value.code


def test_valid_customer_frames_parse():
    assert parse({"type": "hello", "name": "Ana", "email": "a@b.co", "topic": "x"})["name"] == "Ana"
    assert parse({"type": "hello", "resume": "tok", "after": 3})["after"] == 3
    assert parse({"type": "message", "id": "m1", "text": "hola"})["id"] == "m1"
    assert parse({"type": "typing"}) == {"type": "typing"}


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "bad_json"),
        (b"\xff\xfe", "bad_json"),
        ("[1, 2]", "bad_frame"),
        ({"text": "no type"}, "bad_frame"),
        ({"type": "dance"}, "unknown_type"),
        ({"type": "accept", "conversation": 1}, "unknown_type"),  # agent-only on a customer socket
        ({"type": "message", "text": "sin id"}, "missing_field"),
        ({"type": "message", "id": 5, "text": "x"}, "invalid_field"),
        ({"type": "message", "id": "m", "text": "x", "extra": 1}, "invalid_field"),
        ({"type": "message", "id": "m", "text": "   "}, "empty"),
        ({"type": "message", "id": "m", "text": "x" * 101}, "too_large"),
        ({"type": "message", "id": "m" * 61, "text": "x"}, "invalid_field"),
        ({"type": "hello", "name": "A", "email": "not-an-email"}, "invalid_field"),
        ({"type": "hello", "resume": "t", "after": -1}, "invalid_field"),
        ({"type": "hello", "resume": "t", "after": True}, "invalid_field"),
        ({"type": "message", "id": "m", "text": "y" * 3000}, "too_large"),
    ],
)
def test_bad_customer_frames_have_codes(frame, code):
    assert code_of(frame) == code
    assert code in ERROR_CODES


def test_agent_frames_and_transfer_needs_a_target():
    assert (
        parse(
            {"type": "transfer", "conversation": 1, "queue": "billing", "note": "n"}, AGENT_FRAMES
        )["queue"]
        == "billing"
    )
    assert code_of({"type": "transfer", "conversation": 1}, table=AGENT_FRAMES) == "missing_field"
    assert (
        parse({"type": "transfer", "conversation": 1, "queue": "b", "agent": 2}, AGENT_FRAMES)[
            "agent"
        ]
        == 2
    )
    assert code_of({"type": "presence", "status": "asleep"}, table=AGENT_FRAMES) == "invalid_field"


def test_error_carries_client_id_back():
    with pytest.raises(ProtocolError) as info:
        parse({"type": "message", "id": "m9", "text": "x" * 500})
    assert info.value.frame() == {
        "type": "error",
        "code": "too_large",
        "id": "m9",
        "message": ERROR_CODES["too_large"],
    }


def test_server_frame_check_catches_mistakes():
    good = {"type": "ack", "id": "m1", "seq": 2, "duplicate": False}
    assert server_frame_problems(good) == []
    assert server_frame_problems({**good, "seq": "2"}) == ["frame.seq: expected an integer"]
    assert server_frame_problems({"type": "ack", "id": "m1"}) == [
        "frame.seq: missing",
        "frame.duplicate: missing",
    ]
    message = {
        "type": "message",
        "conversation": 1,
        "ticket": "T-1",
        "seq": 1,
        "id": None,
        "from": "robot",
        "name": "",
        "text": "x",
        "at": "2026-01-01T00:00:00Z",
    }
    assert server_frame_problems(message) == [
        "frame.from: 'robot' not in ('customer', 'agent', 'system')"
    ]
    internal = {**message, "from": "agent", "internal": True}
    assert server_frame_problems(internal) == []
    assert server_frame_problems(internal, customer=True) == [
        "frame: internal message sent to a customer"
    ]
    assert server_frame_problems({"type": "ready", "agent": 1}, customer=True)
    assert set(SERVER_FRAMES) >= {
        "welcome",
        "ack",
        "message",
        "error",
        "waiting",
        "assigned",
        "closed",
        "typing",
    }


def test_client_ids_are_namespaced_per_author():
    assert client_id_wire("c:abc") == "abc" and client_id_wire("a:abc") == "abc"
    assert client_id_wire(None) is None


def test_token_bucket():
    now = [0.0]
    bucket = TokenBucket(rate=2, burst=3, clock=lambda: now[0])
    assert [bucket.allow() for _ in range(4)] == [True, True, True, False]
    now[0] = 0.5
    assert bucket.allow() is True and bucket.allow() is False
