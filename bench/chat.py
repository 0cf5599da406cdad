"""Chat load: N customer-agent pairs over real websockets against two daphne processes + Redis.

For the chat path and, in the same run, a bare Channels relay (no storage, no validation):
- paced phase: RATE messages/s in total (both directions), delivery latency p50/p99 measured
  from the sender's send to the other side's receipt of the `message` frame;
- saturation phase: every pair keeps one message in flight; messages/s delivered;
- a light phase before both (50 pairs, 20 messages/s): latency of an unsaturated system.
Every phase counts `duplicates`: a line handed to the other side's socket more than once.

Environment: CHAT_BENCH_PAIRS (500), CHAT_BENCH_RATE (200), CHAT_BENCH_SECONDS (10),
CHAT_BENCH_SATURATION_SECONDS (5), CHAT_BENCH_DRAIN_SECONDS (15), CHAT_BENCH_DB (the scratch
database's name, bench_chat: two runs at once need different names). CHAT_BENCH_SLA=0 leaves
the SLA policies out (a diagnosis: what the clocks cost; the targets are measured with them).
CHAT_BENCH_STAGES=1 adds `stages` to the chat phases: where a turn's milliseconds went, from
stage stamps of the client and both daphnes (`channels_chat.stamps`; CHAT_BENCH_STAGES_DIR
keeps the raw stamps there).
Daphne inherits the environment, so CHAT_* settings (CHAT_WRITERS, CHAT_BATCH_MAX) apply to it.
Needs DATABASE_URL (PostgreSQL) and REDIS_URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import tempfile
import time
from typing import Any

from bench.chat_sockets import Run, Side, chat_pairs, frame_for, relay_pairs
from bench.meters import CpuMeter, LoopLag, percentile
from bench.scratch import scratch_database, sla_policies_seed
from channels_chat.stamps import stages_summarize, stamps_read

PAIRS = int(os.environ.get("CHAT_BENCH_PAIRS", "500"))
RATE = float(os.environ.get("CHAT_BENCH_RATE", "200"))
SECONDS = float(os.environ.get("CHAT_BENCH_SECONDS", "10"))
SATURATION_SECONDS = float(os.environ.get("CHAT_BENCH_SATURATION_SECONDS", "5"))
# A light phase first (LIGHT_PAIRS pairs at LIGHT_RATE messages/s): latency when not saturated.
LIGHT_PAIRS = 50
LIGHT_RATE = 20.0
SLA = os.environ.get("CHAT_BENCH_SLA", "1") != "0"
STAGES = os.environ.get("CHAT_BENCH_STAGES", "0") == "1"
DRAIN_SECONDS = float(os.environ.get("CHAT_BENCH_DRAIN_SECONDS", "15"))
DAPHNE_ENV = {
    "CHAT_BENCH_RELAY": "1",
    "CHAT_RATE_PER_SECOND": "1000",
    "CHAT_RATE_BURST": "1000",
    "CHAT_TICK_SECONDS": "30",
    "CHAT_CHECK_FRAMES": "0",
    "LOG_LEVEL": "WARNING",
    "DB_CONN_MAX_AGE": "600",
}


def agents_create(count: int) -> list[tuple[int, str]]:
    """Bench agents (bulk, no password hashing), away so routing leaves them alone."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from helpdesk.models import AgentProfile, Queue
    from tests.factories import queues_create

    queues_create()
    if SLA:
        sla_policies_seed()  # the demo's SLA policies: every ticket gets a running clock
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        [user_model(username=f"bench{i}", password="!", is_active=True) for i in range(count)]
    )
    AgentProfile.objects.bulk_create(
        [
            AgentProfile(user=u, chat_capacity=1, presence="away", display_name=f"Agente {i}")
            for i, u in enumerate(users)
        ]
    )
    technical = Queue.objects.get(slug="technical")
    technical.members.add(*users)
    tokens = Token.objects.bulk_create([Token(user=u, key=Token.generate_key()) for u in users])
    return [(t.user.pk, t.key) for t in tokens]


async def paced(
    pairs: list[tuple[Side, Side, int]], run: Run, rate: float, seconds: float, prefix: str = "p"
) -> dict[str, Any]:
    """`rate` messages/s in total, alternating direction per pair, for `seconds`.

    Each pair sends every `len(pairs) / rate` seconds from a random offset, so `rate * seconds`
    messages are scheduled within the window. Offered and delivered rates are counted in that
    window (`seconds`), not in the time the loops took to notice it was over.
    """
    interval = len(pairs) / rate
    lag = LoopLag().start()
    started = time.perf_counter()
    window_end = started + seconds
    late_sends: list[float] = []

    async def pair_loop(index: int, customer: Side, agent: Side, conversation: int) -> None:
        due = started + random.uniform(0, interval)
        n = 0
        while due < window_end:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            sender, kind = (customer, "customer") if n % 2 == 0 else (agent, "agent")
            client_id = f"{prefix}{index}-{n}"
            now = time.perf_counter()
            late_sends.append(now - due)
            run.sending(client_id, sender)
            await sender.ws.send(frame_for(kind, client_id, conversation))
            n += 1
            due += interval  # on schedule: a late send does not push the next one back

    await asyncio.gather(*(pair_loop(i, *pair) for i, pair in enumerate(pairs)))
    sent = len(late_sends)
    in_window = sum(1 for at in run.delivered_at if at <= window_end)
    # Drain: wait (bounded) for the backlog, so that late deliveries count in the latencies
    # and do not spill into the next phase.
    deadline = time.perf_counter() + DRAIN_SECONDS
    while run.sent and time.perf_counter() < deadline:
        await asyncio.sleep(0.2)
    loop_lag = lag.stop()
    return {
        "sent": sent,
        "delivered": run.count,
        "lost_or_later_than_drain": len(run.sent),
        "lost_ids": sorted(run.sent)[:10],
        "duplicates": run.duplicates,
        "offered_per_s": round(sent / seconds, 1),
        "delivered_in_time_per_s": round(in_window / seconds, 1),
        # How late the client itself sent (its own event loop lagging), p99.
        "client_send_lag_p99_ms": percentile(late_sends, 0.99),
        # How late the client's event loop ran a 10 ms timer (it delays receipts too).
        "client_loop_lag_p50_ms": loop_lag["p50_ms"],
        "client_loop_lag_p99_ms": loop_lag["p99_ms"],
        "p50_ms": percentile(run.latencies, 0.5),
        "p99_ms": percentile(run.latencies, 0.99),
        "ack_p50_ms": percentile(run.ack_latencies, 0.5),
        "ack_p99_ms": percentile(run.ack_latencies, 0.99),
    }


async def saturate(pairs: list[tuple[Side, Side, int]], run: Run, seconds: float) -> dict[str, Any]:
    """Closed loop: each pair sends its next message once the previous one arrived."""
    started = time.perf_counter()

    async def pair_loop(index: int, customer: Side, agent: Side, conversation: int) -> None:
        n = 0
        while time.perf_counter() - started < seconds:
            sender, kind = (customer, "customer") if n % 2 == 0 else (agent, "agent")
            client_id = f"s{index}-{n}"
            arrived = asyncio.get_running_loop().create_future()
            run.on_delivery[client_id] = arrived
            run.sending(client_id, sender)
            await sender.ws.send(frame_for(kind, client_id, conversation))
            try:
                await asyncio.wait_for(arrived, timeout=10)
            except TimeoutError:
                return
            n += 1

    await asyncio.gather(*(pair_loop(i, *pair) for i, pair in enumerate(pairs)))
    elapsed = time.perf_counter() - started
    return {
        "delivered": run.count,
        "messages_per_s": round(run.count / elapsed, 1),
        "undelivered": len(run.sent),  # a pair stops after 10 s without its delivery
        "duplicates": run.duplicates,
        "p50_ms": percentile(run.latencies, 0.5),
        "p99_ms": percentile(run.latencies, 0.99),
    }


async def close_all(pairs: list[tuple[Side, Side, int]]) -> None:
    await asyncio.gather(
        *(side.ws.close() for pair in pairs for side in pair[:2]), return_exceptions=True
    )


def runs_for(
    pairs: list[tuple[Side, Side, int]], stamps: dict[str, dict[str, float]] | None = None
) -> Run:
    run = Run(stamps)
    for customer, agent, _ in pairs:
        customer.run = agent.run = run
    return run


async def measured(meter: CpuMeter, phase: Any) -> dict[str, Any]:
    """A phase's figures with the cores its processes kept busy (`cores`)."""
    start = meter.sample()
    figures: dict[str, Any] = await phase
    figures["cores"] = meter.since(start)
    return figures


async def measure(
    urls: tuple[str, str],
    agents: list[tuple[int, str]],
    meter: CpuMeter,
    stamps: dict[str, dict[str, float]] | None = None,
) -> dict[str, Any]:
    """The relay first (clean machine), then the chat path, same sockets count and load.

    Each phase also reports the cores its processes kept busy (`cores`). `stamps` collects
    the client's stage stamps of the chat phases (CHAT_BENCH_STAGES)."""
    result: dict[str, Any] = {}
    light = min(LIGHT_PAIRS, len(agents))
    relay = await relay_pairs(urls, len(agents), Run())
    result["relay_light"] = await measured(
        meter, paced(relay[:light], runs_for(relay), LIGHT_RATE, 5, "l")
    )
    result["relay_paced"] = await measured(meter, paced(relay, runs_for(relay), RATE, SECONDS))
    result["relay_saturation"] = await measured(
        meter, saturate(relay, runs_for(relay), SATURATION_SECONDS)
    )
    await close_all(relay)

    setup = time.perf_counter()
    chat = await chat_pairs(urls, agents, Run())
    result["chat_setup_s"] = round(time.perf_counter() - setup, 1)
    result["chat_light"] = await measured(
        meter, paced(chat[:light], runs_for(chat, stamps), LIGHT_RATE, 5, "l")
    )
    result["chat_paced"] = await measured(meter, paced(chat, runs_for(chat, stamps), RATE, SECONDS))
    result["chat_saturation"] = await measured(
        meter, saturate(chat, runs_for(chat, stamps), SATURATION_SECONDS)
    )
    await close_all(chat)
    return result


def stages_add(
    figures: dict[str, Any],
    server: dict[str, dict[str, float]],
    client: dict[str, dict[str, float]],
) -> None:
    """Each chat phase's `stages`: its turns' spans between stamps (`channels_chat.stamps`),
    and `stages_by_side`: the same for customer lines (a pair's even turns) and agent lines."""
    for client_id, stamps in client.items():
        server.setdefault(client_id, {}).update(stamps)
    for phase, prefix in (("chat_light", "l"), ("chat_paced", "p"), ("chat_saturation", "s")):
        ids = [client_id for client_id in client if client_id.startswith(prefix)]
        figures[phase]["stages"] = stages_summarize(server, ids)
        sides: dict[str, list[str]] = {"customer": [], "agent": []}
        for client_id in ids:  # "<prefix><pair>-<n>": n even from the customer
            sides["agent" if int(client_id.rsplit("-", 1)[1]) % 2 else "customer"].append(client_id)
        figures[phase]["stages_by_side"] = {
            side: {
                span: values
                for span, values in stages_summarize(server, side_ids).items()
                if span in ("wait_for_writer", "store", "commit_to_other_side", "total")
            }
            for side, side_ids in sides.items()
        }


def run() -> dict[str, Any]:
    if not os.environ.get("REDIS_URL"):
        return {"error": "REDIS_URL is not set"}
    from tests.servers import Daphne

    database = os.environ.get("CHAT_BENCH_DB", "bench_chat")
    with contextlib.ExitStack() as stack:
        env = dict(DAPHNE_ENV)
        client_stamps: dict[str, dict[str, float]] | None = None
        if STAGES:
            # CHAT_BENCH_STAGES_DIR keeps the raw stamps (else a temporary folder).
            stamps_dir = os.environ.get("CHAT_BENCH_STAGES_DIR") or stack.enter_context(
                tempfile.TemporaryDirectory()
            )
            env["CHAT_STAMPS_DIR"] = stamps_dir
            client_stamps = {}
        stack.enter_context(scratch_database(database))
        agents = agents_create(PAIRS)
        with Daphne(extra_env=env) as first, Daphne(extra_env=env) as second:
            assert first.process is not None and second.process is not None
            meter = CpuMeter((first.process.pid, second.process.pid), database)
            figures = asyncio.run(
                measure((first.ws_url, second.ws_url), agents, meter, client_stamps)
            )
            from helpdesk.models import Message

            stored = Message.objects.count()
            if client_stamps is not None:
                time.sleep(1.5)  # each daphne appends its stamps every second
        if client_stamps is not None:
            stages_add(figures, stamps_read(stamps_dir), client_stamps)
    chat_sat = figures["chat_saturation"]["messages_per_s"]
    relay_sat = figures["relay_saturation"]["messages_per_s"]
    paced_chat = figures["chat_paced"]
    chat_phases = [figures[phase] for phase in ("chat_light", "chat_paced", "chat_saturation")]
    lost = sum(p.get("lost_or_later_than_drain", p.get("undelivered", 0)) for p in chat_phases)
    duplicates = sum(p["duplicates"] for p in chat_phases)
    return {
        "pairs": PAIRS,
        "sla_policies": SLA,
        "sockets": PAIRS * 2,
        "target_rate": RATE,
        "seconds": SECONDS,
        **figures,
        "messages_stored": stored,
        "throughput_ratio_vs_relay": round(chat_sat / relay_sat, 3) if relay_sat else None,
        "chat_lost": lost,
        "chat_duplicates": duplicates,
        "targets_met": {
            "p50_lt_10ms": (paced_chat["p50_ms"] or 1e9) < 10,
            "p99_lt_100ms": (paced_chat["p99_ms"] or 1e9) < 100,
            "rate_sustained": paced_chat["delivered_in_time_per_s"]
            >= 0.95 * paced_chat["offered_per_s"],
            "throughput_ge_40pct_relay": bool(relay_sat) and chat_sat / relay_sat >= 0.4,
            "no_lost_or_duplicate": lost == 0 and duplicates == 0,
        },
        "note": "latency from send to receipt by the other side; one client process",
    }
