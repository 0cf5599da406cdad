"""Events held for the committing thread (`realtime_held`): sent by it, after commit, in order."""

import threading

import pytest
from channels.layers import get_channel_layer
from django.db import transaction

from helpdesk import realtime
from tests.listen import LayerListener

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def listener():
    if type(get_channel_layer()).__name__ != "RedisPubSubChannelLayer":
        pytest.skip("held events are for the Redis pub/sub layer (REDIS_URL)")
    realtime.realtime_drain()  # nothing of an earlier test still on its way
    listening = LayerListener("held-test")
    yield listening
    listening.close()


def _committed(*numbers: int) -> None:
    with transaction.atomic():
        for number in numbers:
            realtime.emit(["held-test"], "probe", {"n": number})


def _arrived(listening: LayerListener, quiet: float) -> list[int]:
    messages = listening.loop.run_until_complete(listening._collect(quiet))
    return [message["data"]["n"] for message in messages]


def test_held_events_wait_for_the_flush_and_leave_from_the_caller_in_order(listener, monkeypatch):
    senders: list[str] = []
    real_send = realtime._PubSubPublisher.send

    def send(self, batch):
        senders.append(threading.current_thread().name)
        return real_send(self, batch)

    monkeypatch.setattr(realtime._PubSubPublisher, "send", send)
    with realtime.realtime_held():
        _committed(1, 2)
        _committed(3)
        assert _arrived(listener, 0.3) == []  # committed, but held for this thread
        realtime.realtime_flush()
        assert _arrived(listener, 1.0) == [1, 2, 3]
        _committed(4)
    # Whatever was not flushed leaves when the block ends.
    assert _arrived(listener, 1.0) == [4]
    assert senders == [threading.current_thread().name] * 2
    # Outside the block the sender thread sends, as before.
    _committed(5)
    realtime.realtime_drain()
    assert _arrived(listener, 1.0) == [5]
    assert senders[-1] == "realtime-sender"


def test_a_rolled_back_transaction_sends_nothing_even_when_flushed(listener):
    with realtime.realtime_held():
        with pytest.raises(RuntimeError), transaction.atomic():
            realtime.emit(["held-test"], "probe", {"n": 1})
            raise RuntimeError("rolled back")
        _committed(2)
        realtime.realtime_flush()
    assert _arrived(listener, 1.0) == [2]


def _publisher() -> realtime._PubSubPublisher:
    publisher = realtime._Sender._publisher
    assert publisher is not None
    return publisher


def test_a_batch_is_written_without_waiting_for_its_replies(listener, monkeypatch):
    """The replies of a batch are read before the next one goes out, not after it: the
    committing thread does not wait a Redis round trip for subscriber counts."""
    with realtime.realtime_held():
        _committed(1)
        realtime.realtime_flush()
    publisher = _publisher()
    reads: list[int] = []
    real_read = publisher.connection.read_response

    def read_response(*args, **kwargs):
        reads.append(1)
        return real_read(*args, **kwargs)

    monkeypatch.setattr(publisher.connection, "read_response", read_response)
    with realtime.realtime_held():
        _committed(2)
        realtime.realtime_flush()
        # The reply of 1 was read on the way; 2's is left in the socket.
        assert (len(reads), publisher.unread) == (1, 1)
        assert _arrived(listener, 1.0) == [1, 2]
        _committed(3)
        realtime.realtime_flush()
        assert (len(reads), publisher.unread) == (2, 1)
    assert _arrived(listener, 1.0) == [3]


def test_a_connection_redis_closed_is_replaced_before_the_next_batch(listener, settings):
    """Redis dropping the publishing connection while it idles (a restart, a client
    timeout) loses no later batch: a write alone would not notice, so the publisher looks
    for the close before writing."""
    import redis

    with realtime.realtime_held():
        _committed(1)
        realtime.realtime_flush()
    assert _arrived(listener, 1.0) == [1]
    publisher = _publisher()
    port = publisher.connection._sock.getsockname()[1]
    admin = redis.Redis.from_url(settings.REDIS_URL)
    assert admin.client_kill(f"127.0.0.1:{port}")
    with realtime.realtime_held():
        _committed(2)
        realtime.realtime_flush()
        _committed(3)
    assert _arrived(listener, 1.0) == [2, 3]
    assert publisher.connection._sock.getsockname()[1] != port
