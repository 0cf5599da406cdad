"""Every public message reaches a live customer socket once and in seq order, across two
daphne processes, while agent lines race the customer's join, resume and own lines."""

from __future__ import annotations

import asyncio
import json
import random
import time
from typing import Any

import pytest
from rest_framework.authtoken.models import Token
from websockets.asyncio.client import connect as ws_connect
from websockets.typing import Origin

from helpdesk.models import Message
from tests.chat.conftest import CHAT_ENV, redis_flush
from tests.chat.test_multiprocess import needs_postgres_and_redis
from tests.factories import user_create
from tests.servers import Daphne

pytestmark = [pytest.mark.slow]


def connect(url: str) -> Any:
    return ws_connect(url, origin=ORIGIN, max_queue=None)


PAIRS = 24
LINES = 24  # per pair, alternating customer / agent
ORIGIN = Origin("http://127.0.0.1")
ENV = {**CHAT_ENV, "CHAT_RATE_PER_SECOND": "1000", "CHAT_RATE_BURST": "1000"}


class Seen:
    """What one socket received: message seqs and client ids, in arrival order."""

    def __init__(self) -> None:
        self.seqs: list[int] = []
        self.ids: list[str | None] = []
        self.frames: dict[str, asyncio.Future[dict[str, Any]]] = {}

    async def read(self, ws: Any) -> None:
        try:
            async for raw in ws:
                frame = json.loads(raw)
                if frame["type"] == "message":
                    self.seqs.append(frame["seq"])
                    self.ids.append(frame["id"])
                waiter = self.frames.pop(frame["type"], None)
                if waiter is not None and not waiter.done():
                    waiter.set_result(frame)
        except Exception:  # noqa: BLE001 - a closed socket ends its reader
            return

    def wait(self, kind: str) -> asyncio.Future[dict[str, Any]]:
        future = asyncio.get_running_loop().create_future()
        self.frames[kind] = future
        return future


async def _pair(index: int, urls: tuple[str, str], token: str) -> dict[str, Any]:
    customer_url, agent_url = urls[index % 2], urls[(index + 1) % 2]
    agent_seen = Seen()
    agent = await connect(f"{agent_url}/ws/agent/?token={token}&scope=own")
    ready = agent_seen.wait("ready")
    agent_task = asyncio.create_task(agent_seen.read(agent))
    await asyncio.wait_for(ready, 20)
    sockets: list[Seen] = [Seen()]
    customer = await connect(f"{customer_url}/ws/chat/")
    welcome = sockets[0].wait("welcome")
    reader = asyncio.create_task(sockets[0].read(customer))
    hello = {"type": "hello", "name": f"C{index}", "email": "", "topic": "Sin señal"}
    await customer.send(json.dumps(hello))
    first = await asyncio.wait_for(welcome, 20)
    conversation, resume = first["conversation"], first["resume"]
    assigned = sockets[0].wait("assigned")
    await agent.send(json.dumps({"type": "accept", "conversation": conversation}))
    await asyncio.wait_for(assigned, 20)
    agent_ids = []
    rng = random.Random(index)
    for n in range(LINES):
        if n % 2:
            agent_ids.append(f"a{index}-{n}")
            frame = {"type": "message", "conversation": conversation, "id": agent_ids[-1]}
            await agent.send(json.dumps({**frame, "text": f"agente {n}"}))
        else:
            await customer.send(json.dumps({"type": "message", "id": f"c{index}-{n}", "text": "x"}))
        if n in (7, 15):
            # Reconnect on the other process while agent lines are in flight; resume from the
            # last seq this socket saw, as the widget does.
            await asyncio.sleep(rng.uniform(0, 0.01))
            await customer.close()
            await reader
            after = sockets[-1].seqs[-1] if sockets[-1].seqs else 0
            for line in range(3):  # lines racing the join
                agent_ids.append(f"a{index}-{n}r{line}")
                frame = {"type": "message", "conversation": conversation, "id": agent_ids[-1]}
                await agent.send(json.dumps({**frame, "text": "mientras"}))
            sockets.append(Seen())
            customer_url = urls[(index + n) % 2]
            customer = await connect(f"{customer_url}/ws/chat/")
            welcome = sockets[-1].wait("welcome")
            reader = asyncio.create_task(sockets[-1].read(customer))
            await customer.send(json.dumps({"type": "hello", "resume": resume, "after": after}))
            await asyncio.wait_for(welcome, 20)
            sockets[-1].seqs_after = after  # type: ignore[attr-defined]
        await asyncio.sleep(rng.uniform(0, 0.02))
    # Let the last lines arrive, then stop.
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not set(agent_ids) <= set(sockets[-1].ids):
        await asyncio.sleep(0.1)
    await customer.close()
    await agent.close()
    await reader
    await agent_task
    return {"conversation": conversation, "sockets": sockets, "agent_ids": agent_ids}


async def _run(urls: tuple[str, str], tokens: list[str]) -> list[dict[str, Any]]:
    return list(await asyncio.gather(*(_pair(i, urls, t) for i, t in enumerate(tokens))))


def test_live_sockets_get_every_public_message_once_in_order(transactional_db, queues):
    needs_postgres_and_redis()
    redis_flush()
    agents = [user_create(f"vivo{i}", queues=[queues["technical"]]) for i in range(PAIRS)]
    tokens = [Token.objects.create(user=user).key for user in agents]
    with Daphne(extra_env=ENV) as first, Daphne(extra_env=ENV) as second:
        results = asyncio.run(_run((first.ws_url, second.ws_url), tokens))
    problems = []
    for result in results:
        from channels_chat.models import Conversation

        ticket_id = Conversation.objects.get(pk=result["conversation"]).ticket_id
        public = list(
            Message.objects.filter(ticket_id=ticket_id, internal=False)
            .order_by("seq")
            .values_list("seq", flat=True)
        )
        after = 0
        for number, seen in enumerate(result["sockets"]):
            after = getattr(seen, "seqs_after", 0)
            expected = [seq for seq in public if seq > after][: len(seen.seqs)]
            if seen.seqs != expected:
                problems.append((result["conversation"], number, after, seen.seqs, public))
        last = result["sockets"][-1]
        # Every agent line reached a socket (the one live when it was stored, or a replay).
        received = {i for seen in result["sockets"] for i in seen.ids}
        if missing := set(result["agent_ids"]) - received:
            problems.append((result["conversation"], "missing", sorted(missing), last.seqs))
        if last.seqs != [seq for seq in public if seq > getattr(last, "seqs_after", 0)]:
            problems.append((result["conversation"], "last", last.seqs, public))
    assert problems == [], "\n".join(map(repr, problems))
