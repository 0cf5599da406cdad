"""SLA watcher pass over 100,000 and then 1,000,000 open tickets (PostgreSQL scratch DB).

Tickets and their clocks are generated in SQL (generate_series) with deadlines spread over the
next 30 days, in the state a watcher running every minute would have left them: what was due
or at risk before the last minute is already marked. A pass at "now" therefore finds the
tickets whose deadline or at-risk instant fell in the last minute, as in production.

Figures: the steady pass (the one-minute window), an idle pass (nothing changes: the pure
detection cost) and a 10-minute backlog pass, at 100k and at 1M, plus the per-ticket cost at
1M relative to 100k (1.0 would mean the pass grows linearly with open tickets; ~0.1 means it
does not grow at all).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from bench.scratch import scratch_database

TARGET_MINUTES = 60
RISK_BEFORE = timedelta(minutes=12)  # at_risk_ratio 0.8 of 60 minutes
SPREAD_SECONDS = 30 * 24 * 3600

TICKETS_SQL = """
INSERT INTO helpdesk_ticket (id, reference, subject, category, channel, status, priority,
    clarification, language, triage_confidence, triage_reasons, needs_triage, last_seq,
    sla_due_at, sla_state, created_at, updated_at, contact_id, queue_id, sla_policy_id)
SELECT g, 'B' || lpad(g::text, 9, '0'), 'Caso ' || g,
    (ARRAY['connection','data','sms','calls','billing'])[1 + g %% 5],
    (ARRAY['web','chat','email'])[1 + g %% 3],
    CASE WHEN g %% 10 = 0 THEN 'waiting' ELSE 'open' END, 2, false, 'es', 0.9, '[]'::jsonb,
    false, 1,
    -- the mirror of the clock below (same deadline formula), written in the same statement
    CASE WHEN g %% 10 = 0 THEN NULL ELSE DUE(g) END,
    CASE WHEN g %% 10 = 0 THEN 'paused'
         WHEN DUE(g) - %(risk)s <= %(now)s - interval '2 minutes' THEN 'at_risk'
         ELSE 'running' END,
    %(now)s, %(now)s, %(contact)s, %(queue)s, %(policy)s
FROM generate_series(%(start)s, %(stop)s) AS g
"""

# Deadline of ticket g: a pseudo-random point in [now - 2 min, now + 30 days); what fell
# before now - 2 min is already marked, the minute before "now - 1 min" warms the watcher up.
DUE = (
    "(%(now)s - interval '2 minutes' + make_interval(secs =>"
    " (({x}::bigint * 7919) %% %(n)s)::float8 * %(spread)s / %(n)s))"
)


def _with_due(sql: str) -> str:
    for x in ("g", "t.id"):
        sql = sql.replace(f"DUE({x})", DUE.format(x=x))
    return sql


CLOCKS_SQL = """
INSERT INTO sla_ticketclock (ticket_id, policy_id, state, target, due_at, risk_at, targets,
    pauses, paused_since, pause_reasons, paused_seconds, breached, updated_at)
SELECT id, %(policy)s,
    CASE WHEN paused THEN 'paused' WHEN due - %(risk)s <= %(now)s - interval '2 minutes'
         THEN 'at_risk' ELSE 'running' END,
    'first_response',
    CASE WHEN paused THEN NULL ELSE due END,
    CASE WHEN paused OR due - %(risk)s <= %(now)s - interval '2 minutes' THEN NULL
         ELSE due - %(risk)s END,
    jsonb_build_object('first_response', jsonb_build_object(
        'started', to_jsonb(due - interval '60 minutes'), 'minutes', 60,
        'due', CASE WHEN paused THEN NULL ELSE to_jsonb(due) END,
        'risk', CASE WHEN paused THEN NULL ELSE to_jsonb(due - %(risk)s) END,
        'state', 'running', 'met_at', NULL,
        'warned', NOT paused AND due - %(risk)s <= %(now)s - interval '2 minutes')),
    CASE WHEN paused THEN jsonb_build_array(jsonb_build_array(to_jsonb(%(now)s::timestamptz),
         NULL)) ELSE '[]'::jsonb END,
    CASE WHEN paused THEN %(now)s END,
    CASE WHEN paused THEN '["waiting"]'::jsonb ELSE '[]'::jsonb END,
    0, false, %(now)s
FROM (
    SELECT t.id, t.status = 'waiting' AS paused,
        DUE(t.id) AS due
    FROM helpdesk_ticket t WHERE t.id BETWEEN %(first)s AND %(last)s
) AS s
"""


def _setup() -> tuple[int, int, int]:
    from helpdesk.models import Contact, Queue
    from helpdesk.sla.models import SlaPolicy

    queue = Queue.objects.create(slug="technical", name_es="Técnico", name_en="Technical")
    contact = Contact.objects.create(name="Bench", email="bench@example.com")
    policy = SlaPolicy.objects.create(name="bench", first_response_minutes=TARGET_MINUTES)
    return queue.pk, contact.pk, policy.pk


def _grow(ids: tuple[int, int, int], start: int, stop: int, now: Any) -> float:
    """Tickets start..stop (ids equal to their number) and their clocks, all in SQL."""
    queue, contact, policy = ids
    params = {
        "start": start,
        "stop": stop,
        "first": start,
        "last": stop,
        "now": now,
        "contact": contact,
        "queue": queue,
        "policy": policy,
        "n": stop,
        "spread": SPREAD_SECONDS,
        "risk": RISK_BEFORE,
    }
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute(_with_due(TICKETS_SQL), params)
        cursor.execute(_with_due(CLOCKS_SQL), params)
        cursor.execute("SELECT setval(pg_get_serial_sequence('helpdesk_ticket', 'id'), %s)", [stop])
        cursor.execute("ANALYZE helpdesk_ticket")
        cursor.execute("ANALYZE sla_ticketclock")
    return round(time.perf_counter() - began, 1)


def _pass(at: Any) -> dict[str, Any]:
    from helpdesk.sla.watcher import sla_watch_pass

    began = time.perf_counter()
    result = sla_watch_pass(at, waiting=False)
    return {
        "seconds": round(time.perf_counter() - began, 4),
        "breached": len(result.breached),
        "at_risk": len(result.at_risk),
    }


def _measure(now: Any, label: str, open_tickets: int) -> dict[str, Any]:
    steady = _pass(now)
    idle = _pass(now)
    backlog = _pass(now + timedelta(minutes=10))
    return {
        f"{label}_open_tickets": open_tickets,
        f"{label}_steady_pass": steady,
        f"{label}_idle_pass": idle,
        f"{label}_backlog_10min_pass": backlog,
    }


def run() -> dict[str, Any]:
    figures: dict[str, Any] = {}
    with scratch_database("bench_sla"):
        ids = _setup()
        now = timezone.now().replace(microsecond=0)
        figures["generate_100k_seconds"] = _grow(ids, 1, 100_000, now)
        _pass(now - timedelta(minutes=1))  # warm-up: imports, connections, first sends
        small = _measure(now, "t100k", 100_000)
        # Move the clock on: the 1M measurement starts from a fresh steady state.
        later = now + timedelta(minutes=20)
        figures["generate_900k_seconds"] = _grow(ids, 100_001, 1_000_000, later)
        _pass(later - timedelta(minutes=1))  # what the watcher did in the minutes between
        big = _measure(later, "t1m", 1_000_000)
        figures |= small | big
        idle_small = small["t100k_idle_pass"]["seconds"]
        idle_big = big["t1m_idle_pass"]["seconds"]
        steady_big = big["t1m_steady_pass"]["seconds"]
        figures["t1m_pass_under_2s"] = steady_big < 2.0
        backlog = big["t1m_backlog_10min_pass"]
        changed = backlog["breached"] + backlog["at_risk"]
        figures["t1m_ms_per_changed_ticket"] = (
            round(1000 * backlog["seconds"] / changed, 2) if changed else None
        )
        figures["per_ticket_cost_ratio_1m_vs_100k_idle"] = (
            round((idle_big / 1_000_000) / (idle_small / 100_000), 3) if idle_small else None
        )
        figures["per_ticket_cost_ratio_1m_vs_100k_steady"] = round(
            (steady_big / 1_000_000) / (small["t100k_steady_pass"]["seconds"] / 100_000), 3
        )
    return figures
