"""Web-form ticket creation rate on PostgreSQL, through the real HTTP stack and the service.

Figures: tickets/s through Django's request handling (form POST and API POST, in-process; form
POSTs from 2 and 4 processes at once, as several web processes serve them), the intake service
alone, and a bare ORM insert of the same rows as the same-run baseline.

The rate limits stay on, as in production (per IP and per address for the form, the DRF
throttle for the API, both on the Redis cache): every submission comes from its own client
address, so none is refused and each pays for its limit checks. `WEBFORM_BENCH_RATELIMIT=0`
turns the limits off (diagnosis only: what they cost).
"""

from __future__ import annotations

import os
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.scratch import scratch_database, sla_policies_seed

N = 600
TEXTS = [
    "No tengo señal en mi casa desde ayer",
    "Me cobraron dos veces la recarga de 100 pesos",
    "Quiero contratar un plan con más gigas",
    "No me llegan los mensajes de texto",
    "Los datos móviles van muy lentos",
    "No puedo hacer llamadas, se corta",
]


def _address(prefix: str, i: int) -> str:
    """A distinct client address per submission (see the module's docstring)."""
    n = hash(prefix) % 200 * 65536 + i
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def _submit_many(args: tuple[str, int, str]) -> int:
    """Worker process: open `count` tickets through the form POST (Django's whole request
    handling, as a web process runs it) or the service alone (own DB connection)."""
    from helpdesk.services.acknowledgements import ticket_submit
    from helpdesk.services.intake import Inbound

    prefix, count, via = args
    client = Client(enforce_csrf_checks=False)
    for i in range(count):
        if via == "form":
            response = client.post(
                "/",
                {
                    "name": f"Cliente {i}",
                    "email": f"{prefix}{i}@x.co",
                    "message": TEXTS[i % len(TEXTS)],
                },
                REMOTE_ADDR=_address(prefix, i),
            )
            assert response.status_code == 302, response.status_code
            continue
        ticket_submit(
            Inbound(
                channel="web",
                name=f"Cliente {i}",
                email=f"{prefix}{i}@x.co",
                text=TEXTS[i % len(TEXTS)],
            )
        )
    return count


def _concurrent_rate(workers: int, per_worker: int, via: str = "service") -> float:
    """Tickets/s with `workers` processes submitting at once, as web processes would."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # children open their own connections
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    with context.Pool(workers) as pool:
        done = sum(
            pool.map(
                _submit_many, [(f"{via}{workers}w{n}-", per_worker, via) for n in range(workers)]
            )
        )
    return _rate(done, time.perf_counter() - started)


def _rate(count: int, seconds: float) -> float:
    return round(count / seconds, 1) if seconds else 0.0


def run() -> dict:
    from django.conf import settings

    from helpdesk.models import Contact, Queue, Ticket
    from helpdesk.services.acknowledgements import ticket_submit
    from helpdesk.services.intake import Inbound
    from tests.factories import queues_create

    settings.RATELIMIT_ENABLE = os.environ.get("WEBFORM_BENCH_RATELIMIT", "1") != "0"
    with scratch_database("bench_webform"):
        queues_create()
        sla_policies_seed()  # the demo's SLA policies: every ticket gets a running clock
        # Warm caches (triage rules, SLA policies) the way a running server would have them.
        ticket_submit(Inbound(channel="web", name="warm", email="warm@x.co", text=TEXTS[0]))

        queue = Queue.objects.get(slug="technical")
        contact = Contact.objects.create(name="base", email="base@x.co")
        started = time.perf_counter()
        for i in range(N):
            Ticket.objects.create(
                reference=f"B-{i:06d}", subject="s", queue=queue, channel="web", contact=contact
            )
        baseline = time.perf_counter() - started

        started = time.perf_counter()
        _submit_many(("s", N, "service"))
        service = time.perf_counter() - started

        started = time.perf_counter()
        _submit_many(("f", N, "form"))
        form = time.perf_counter() - started

        client = Client(enforce_csrf_checks=False)

        started = time.perf_counter()
        for i in range(N):
            response = client.post(
                "/api/v1/tickets/",
                {"name": f"Cliente {i}", "email": f"a{i}@x.co", "message": TEXTS[i % len(TEXTS)]},
                content_type="application/json",
                REMOTE_ADDR=_address("api", i),
            )
            assert response.status_code == 201, response.content
        api = time.perf_counter() - started

        concurrent = {f"{w}_processes_per_s": _concurrent_rate(w, N // w) for w in (2, 4)}
        form_concurrent = {
            f"{w}_processes_per_s": _concurrent_rate(w, N // w, "form") for w in (2, 4)
        }

        with CaptureQueriesContext(connection) as queries:
            client.post(
                "/",
                {"name": "q", "email": "q@x.co", "message": TEXTS[1]},
                REMOTE_ADDR="10.255.0.1",
            )
    return {
        "tickets": N,
        "form_post_per_s": _rate(N, form),
        "api_post_per_s": _rate(N, api),
        "service_per_s": _rate(N, service),
        "service_concurrent": concurrent,
        # The headline: form POSTs from two processes, one per core (how `make run` and the
        # operations guide deploy web processes on this 2-core machine).
        "form_post_concurrent": form_concurrent,
        "bare_insert_per_s": _rate(N, baseline),
        "form_vs_bare_insert_ratio": round(baseline / form, 3),
        "sql_queries_per_form_ticket": len(queries),
        "rate_limits_on": settings.RATELIMIT_ENABLE,
        "target_per_s": 200,
    }
