"""The chat benchmark's sockets: one side of a customer-agent pair, a phase's send and
delivery bookkeeping, and opening the pairs (chat and bare relay) against the two daphnes.
`bench/chat.py` drives the phases."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from websockets.asyncio.client import connect
from websockets.typing import Origin

CONNECT_CONCURRENCY = 40
SETUP_TIMEOUT = 30.0
ORIGIN = Origin("http://127.0.0.1")


class Side:
    """One socket of a pair; routes incoming frames to the measurement."""

    def __init__(self, ws: Any, run: Run) -> None:
        self.ws = ws
        self.run = run
        self.waiters: dict[str, asyncio.Future] = {}

    async def reader(self) -> None:
        async for raw in self.ws:
            frame = json.loads(raw)
            kind = frame.get("type")
            if kind == "message" and frame.get("id"):
                self.run.delivered(self, frame["id"])
            elif kind == "ack":
                self.run.acked(frame["id"])
            elif kind in ("welcome", "ready", "assigned", "conversation") and kind in self.waiters:
                future = self.waiters.pop(kind)
                if not future.done():
                    future.set_result(frame)

    def wait(self, kind: str) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiters[kind] = future
        return future


class Run:
    """Send times and delivery latencies of one phase."""

    def __init__(self, stamps: dict[str, dict[str, float]] | None = None) -> None:
        self.stamps = stamps  # client id -> {"sent", "arrived"} (CHAT_BENCH_STAGES)
        self.sent: dict[str, tuple[float, Side]] = {}
        self.latencies: list[float] = []
        self.ack_latencies: list[float] = []  # send to the sender's ack: the turn is stored
        self.unacked: dict[str, float] = {}
        self.delivered_at: list[float] = []
        self.count = 0
        self.done: dict[str, Side] = {}  # client id -> the side it was delivered to
        self.duplicates = 0  # a line delivered to the other side more than once
        self.on_delivery: dict[str, asyncio.Future] = {}

    def sending(self, client_id: str, sender: Side) -> None:
        now = time.perf_counter()
        self.sent[client_id] = (now, sender)
        self.unacked[client_id] = now
        if self.stamps is not None:
            self.stamps[client_id] = {"sent": now}

    def acked(self, client_id: str) -> None:
        at = self.unacked.pop(client_id, None)
        if at is not None:
            self.ack_latencies.append(time.perf_counter() - at)

    def delivered(self, receiver: Side, client_id: str) -> None:
        entry = self.sent.get(client_id)
        if entry is None:
            if self.done.get(client_id) is receiver:  # counted once already: a duplicate
                self.duplicates += 1
            return
        if entry[1] is receiver:  # the sender's own echo
            return
        self.done[client_id] = receiver
        now = time.perf_counter()
        if self.stamps is not None:
            self.stamps[client_id]["arrived"] = now
        self.latencies.append(now - entry[0])
        self.delivered_at.append(now)
        self.count += 1
        del self.sent[client_id]
        future = self.on_delivery.pop(client_id, None)
        if future is not None and not future.done():
            future.set_result(None)


async def chat_pairs(
    urls: tuple[str, str], agents: list[tuple[int, str]], run: Run
) -> list[tuple[Side, Side, int]]:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(index: int, token: str) -> tuple[Side, Side, int]:
        async with gate:
            customer_url, agent_url = urls[index % 2], urls[(index + 1) % 2]
            agent = Side(
                await connect(
                    f"{agent_url}/ws/agent/?token={token}&scope=own", max_queue=None, origin=ORIGIN
                ),
                run,
            )
            ready = agent.wait("ready")
            asyncio.create_task(agent.reader())
            await asyncio.wait_for(ready, SETUP_TIMEOUT)
            customer = Side(
                await connect(f"{customer_url}/ws/chat/", max_queue=None, origin=ORIGIN), run
            )
            welcome = customer.wait("welcome")
            asyncio.create_task(customer.reader())
            await customer.ws.send(
                json.dumps(
                    {
                        "type": "hello",
                        "name": f"Cliente {index}",
                        "email": f"c{index}@bench.example",
                        "topic": "No tengo señal en mi celular desde ayer",
                    }
                )
            )
            conversation = (await asyncio.wait_for(welcome, SETUP_TIMEOUT))["conversation"]
            assigned = customer.wait("assigned")
            await agent.ws.send(json.dumps({"type": "accept", "conversation": conversation}))
            await asyncio.wait_for(assigned, SETUP_TIMEOUT)
            return customer, agent, conversation

    return list(await asyncio.gather(*(one(i, token) for i, (_, token) in enumerate(agents))))


async def relay_pairs(urls: tuple[str, str], count: int, run: Run) -> list[tuple[Side, Side, int]]:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(index: int) -> tuple[Side, Side, int]:
        async with gate:
            customer = Side(
                await connect(
                    f"{urls[index % 2]}/ws/bench/relay/?pair={index}", max_queue=None, origin=ORIGIN
                ),
                run,
            )
            agent = Side(
                await connect(
                    f"{urls[(index + 1) % 2]}/ws/bench/relay/?pair={index}",
                    max_queue=None,
                    origin=ORIGIN,
                ),
                run,
            )
            asyncio.create_task(customer.reader())
            asyncio.create_task(agent.reader())
            return customer, agent, index

    return list(await asyncio.gather(*(one(i) for i in range(count))))


def frame_for(kind: str, client_id: str, conversation: int) -> str:
    frame: dict[str, Any] = {"type": "message", "id": client_id, "text": f"mensaje {client_id}"}
    if kind == "agent":
        frame["conversation"] = conversation
    return json.dumps(frame)
