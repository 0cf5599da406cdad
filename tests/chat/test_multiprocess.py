"""Several daphne processes sharing Redis and PostgreSQL; a process killed; Redis restarted."""

from __future__ import annotations

import os
import shutil
import subprocess
import time

import pytest

from helpdesk.models import Message
from tests.chat.conftest import CHAT_ENV, redis_flush
from tests.chat.helpers import agent_socket, customer_socket, customer_start
from tests.chat.wsclient import Socket
from tests.conftest import require_service
from tests.servers import Daphne, free_port, wait_port

pytestmark = [pytest.mark.slow]


def needs_postgres_and_redis() -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        require_service("PostgreSQL", "the multi-process chat tests share one database")
    if not os.environ.get("REDIS_URL"):
        require_service("Redis", "REDIS_URL is not set")


def seqs(socket: Socket) -> list[int]:
    return [f["seq"] for f in socket.frames if f["type"] == "message"]


def closed_soon(socket: Socket, within: float = 20.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            socket.ws.recv(timeout=0.5)
        except TimeoutError:
            continue
        except Exception:  # noqa: BLE001 - closed, whatever the code
            return True
    return False


def retry(make, attempts: int = 40):
    last: Exception | None = None
    for _ in range(attempts):
        try:
            return make()
        except Exception as exc:  # noqa: BLE001 - server still coming back
            last = exc
            time.sleep(0.25)
    raise AssertionError(f"gave up: {last}")


def resume(server: Daphne, token: str, after: int, attempts: int = 40) -> Socket:
    """Reconnect as the widget does: retry until the server takes the resume."""
    last: Exception | None = None
    for _ in range(attempts):
        try:
            socket = customer_socket(server)
            socket.send({"type": "hello", "resume": token, "after": after})
            socket.expect("welcome", timeout=3)
            return socket
        except Exception as exc:  # noqa: BLE001 - server still coming back
            last = exc
            time.sleep(0.25)
    raise AssertionError(f"could not resume: {last}")


def test_two_processes_then_one_killed(transactional_db, queues, agent):
    needs_postgres_and_redis()
    redis_flush()
    with Daphne(extra_env=CHAT_ENV) as first, Daphne(extra_env=CHAT_ENV) as second:
        agent_ws = agent_socket(second, agent)
        customer, welcome = customer_start(first)
        conversation = welcome["conversation"]
        agent_ws.send({"type": "accept", "conversation": conversation})
        customer.expect("assigned")
        for n in range(3):
            customer.send({"type": "message", "id": f"c{n}", "text": f"cliente {n}"})
            customer.expect("ack", id=f"c{n}")
            agent_ws.send(
                {
                    "type": "message",
                    "conversation": conversation,
                    "id": f"a{n}",
                    "text": f"agente {n}",
                }
            )
            agent_ws.expect("ack", id=f"a{n}")
            customer.expect("message", id=f"a{n}")
        agent_ws.expect("message", seq=7)
        assert [f["seq"] for f in agent_ws.frames if f["type"] == "message"] == list(range(1, 8))
        seen_before = seqs(customer)
        assert seen_before == list(range(1, 8))

        # The customer's process dies mid-conversation with a message in flight.
        customer.send({"type": "message", "id": "inflight", "text": "¿siguen ahí?"})
        first.kill()
        agent_ws.send(
            {
                "type": "message",
                "conversation": conversation,
                "id": "a-dead",
                "text": "mientras tanto",
            }
        )
        agent_ws.expect("ack", id="a-dead")

        again = resume(second, welcome["resume"], seen_before[-1])
        again.send({"type": "message", "id": "inflight", "text": "¿siguen ahí?"})
        ack = again.expect("ack", id="inflight")
        again.send({"type": "message", "id": "after", "text": "listo"})
        again.expect("ack", id="after")
        agent_ws.expect("message", id="after")
        agent_ws.send(
            {"type": "message", "conversation": conversation, "id": "a-end", "text": "fin"}
        )
        again.expect("message", id="a-end")
        again.drain(0.5)
        got = seen_before + seqs(again)
        agent_ws.close()
        again.close()
    stored = list(
        Message.objects.filter(internal=False).order_by("seq").values_list("seq", flat=True)
    )
    assert got == stored  # every message, in order, exactly once across both processes
    assert Message.objects.filter(client_id="c:inflight").count() == 1
    assert Message.objects.get(client_id="c:inflight").seq == ack["seq"]


class OwnRedis:
    """A private redis-server on a free port (the shared one must never be restarted)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            require_service("redis-server", "binary not installed")
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port, process=self.process)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def test_redis_restart_mid_conversation(transactional_db, queues, agent):
    needs_postgres_and_redis()
    redis = OwnRedis()
    redis.start()
    try:
        env = {**CHAT_ENV, "REDIS_URL": redis.url, "CHAT_LEASE_SECONDS": "3"}
        with Daphne(extra_env=env) as server:
            agent_ws = agent_socket(server, agent)
            customer, welcome = customer_start(server)
            conversation = welcome["conversation"]
            agent_ws.send({"type": "accept", "conversation": conversation})
            customer.expect("assigned")
            customer.send({"type": "message", "id": "c1", "text": "antes"})
            customer.expect("ack", id="c1")
            agent_ws.expect("message", id="c1")
            before = seqs(customer)

            redis.stop()
            redis.start()  # empty: groups and leases are gone
            # Both sockets notice (the layer or the keep-alive fails) and get closed.
            for socket in (customer, agent_ws):
                assert closed_soon(socket)
            agent_ws = retry(lambda: agent_socket(server, agent))
            agent_ws.send(
                {"type": "message", "conversation": conversation, "id": "a1", "text": "durante"}
            )
            agent_ws.expect("ack", id="a1")
            again = resume(server, welcome["resume"], before[-1])
            again.send({"type": "message", "id": "c2", "text": "después"})
            again.expect("ack", id="c2")
            agent_ws.expect("message", id="c2")
            again.expect("message", id="c2")
            got = before + seqs(again)
            again.close()
            agent_ws.close()
    finally:
        redis.stop()
    stored = list(
        Message.objects.filter(internal=False).order_by("seq").values_list("seq", flat=True)
    )
    assert got == stored == [1, 2, 3, 4]
