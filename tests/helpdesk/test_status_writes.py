"""A reply or customer message that changes the ticket's status writes everything (message,
audit events, status, SLA clock) in the statement after the lock, on PostgreSQL."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import Status, Ticket, TicketEvent
from helpdesk.services.intake import Inbound, intake_receive
from helpdesk.services.replies import ticket_reply
from helpdesk.sla.models import SlaClockEvent, TicketClock
from helpdesk.sla.seed import seed as sla_seed

pytestmark = [pytest.mark.core]


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"] not in ("BEGIN", "COMMIT") and not q["sql"].startswith(("SAVEPOINT", "RELEASE"))
    ]


def test_reply_and_answer_move_status_and_clock_in_one_write(db, queues, agent):
    sla_seed(io.StringIO())
    inbound = Inbound(channel="web", text="No tengo señal en casa", name="Ana", email="ana@x.mx")
    ticket_id = intake_receive(inbound).ticket.pk
    assert TicketClock.objects.get(ticket_id=ticket_id).paused_since is None

    with CaptureQueriesContext(connection) as replying:
        ticket_reply(Ticket(pk=ticket_id), author=agent, text="¿Reinició el equipo?")
    ticket = Ticket.objects.get(pk=ticket_id)
    clock = TicketClock.objects.get(ticket_id=ticket_id)
    assert (ticket.status, ticket.assignee_id) == (Status.WAITING, agent.pk)
    assert ticket.first_response_at is not None
    assert clock.paused_since is not None and clock.pause_reasons == ["waiting"]
    assert ticket.sla_state == clock.state  # the mirror written with the clock
    kinds = list(TicketEvent.objects.filter(ticket_id=ticket_id).values_list("kind", flat=True))
    assert {"assigned", "status_changed", "replied"} <= set(kinds)
    clock_kinds = set(
        SlaClockEvent.objects.filter(ticket_id=ticket_id).values_list("kind", "target")
    )
    assert ("met", "first_response") in clock_kinds and ("paused", "") in clock_kinds

    with CaptureQueriesContext(connection) as answering:
        intake_receive(
            Inbound(channel="web", ticket_id=ticket_id, text="Sí, y sigue igual", name="Ana")
        )
    ticket = Ticket.objects.get(pk=ticket_id)
    clock = TicketClock.objects.get(ticket_id=ticket_id)
    assert ticket.status == Status.OPEN and clock.paused_since is None
    assert TicketEvent.objects.filter(
        ticket_id=ticket_id, kind="status_changed", new_value=Status.OPEN
    ).exists()

    if connection.vendor == "postgresql":
        # The lock (with the clock), then one statement for all the rest: no ids drawn, no
        # separate ticket UPDATE, no second read of the clock. (The reply's email delivery
        # adds its own two: the recipient and the job.)
        for queries in (replying, answering):
            writes = _writes(queries)
            assert writes[0].startswith("WITH locked AS (UPDATE"), writes[0]
            rest = writes[1:]
            assert sum("sla_ticketclock" in sql for sql in rest) == 1
            assert not any("nextval" in sql for sql in rest)
            assert not any(sql.startswith('UPDATE "helpdesk_ticket"') for sql in rest)
        assert len(_writes(answering)) == 2
        assert len(_writes(replying)) == 4
        assert "django_tasks" in _writes(replying)[3]  # the email, queued with the reply
