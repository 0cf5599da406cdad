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
