"""The 24-hour written-answer promise for account clarifications, end to end with sla_watch."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from helpdesk.models import Message, Ticket
from helpdesk.services.replies import ticket_notify, ticket_reply
from helpdesk.sla.models import SlaClockEvent
from tests.sla.helpers import policy, ticket_open, watch

pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]

MX = ZoneInfo("America/Mexico_City")
FRIDAY_17 = datetime(2026, 3, 6, 17, 0, tzinfo=MX)
SATURDAY_17 = datetime(2026, 3, 7, 17, 0, tzinfo=MX)


@pytest.fixture
def clarification_policy(queues):
    policy(name="otra", order=50, first_response_minutes=8 * 60)  # would match, comes later
    return policy(
        name="Aclaraciones 24 h", order=10, clarification=True, first_response_minutes=24 * 60
    )


def kinds(ticket):
    return list(SlaClockEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))


def test_breached_at_saturday_17_01_despite_an_internal_note(
    clarification_policy, queues, agent, supervisor
):
    queues["billing"].supervisors.add(supervisor)
    ticket = ticket_open(queues["billing"], at=FRIDAY_17, clarification=True)
    assert ticket.sla_policy == clarification_policy
    assert ticket.sla_due_at == SATURDAY_17 and ticket.sla_state == "running"

    ticket_reply(ticket, author=agent, text="Revisar el cargo con facturación", internal=True)
    ticket_notify(ticket, text="Recibimos tu mensaje")  # automatic: never an answer
    assert watch("2026-03-07T16:59:00-06:00")["breached"] == []
    assert watch(SATURDAY_17)["breached"] == []  # due instant itself still counts as on time
    ticket.refresh_from_db()
    assert ticket.sla_state == "at_risk"

    result = watch("2026-03-07T17:01:00-06:00")
    assert result["breached"] == [ticket.reference]
    ticket.refresh_from_db()
    assert ticket.sla_state == "breached"
    assert kinds(ticket) == ["started", "at_risk", "breached"]
    breach = SlaClockEvent.objects.get(ticket=ticket, kind="breached")
    assert breach.target == "first_response" and breach.due_at == SATURDAY_17
    assert watch("2026-03-07T17:02:00-06:00")["breached"] == []  # only once

    call_command("db_worker", batch=True, queue_name="*", verbosity=0, startup_delay=False)
    breach_mails = [m for m in mail.outbox if "SLA incumplido" in m.subject]
    assert len(breach_mails) == 1
    assert breach_mails[0].to == ["supervisor1@helpdesk.example"]
    assert ticket.reference in breach_mails[0].subject


def test_written_answer_at_16_59_meets_it(clarification_policy, queues, agent):
    # The reply is written now, so the ticket opened 23 h 59 min ago ("Friday 17:00").
    opened = timezone.now() - timedelta(hours=23, minutes=59)
    ticket = ticket_open(queues["billing"], at=opened, clarification=True)
    ticket_reply(ticket, author=agent, text="Revisamos tu cuenta: el cargo corresponde a ...")
    ticket.refresh_from_db()
    assert ticket.sla_state == "met" and ticket.first_response_at is not None
    assert watch(opened + timedelta(hours=24, minutes=1))["breached"] == []
    ticket.refresh_from_db()
    assert ticket.sla_state == "met"
    met = SlaClockEvent.objects.get(ticket=ticket, kind="met")
    assert met.target == "first_response"
    assert met.due_at == opened + timedelta(hours=24)


def test_late_answer_is_recorded_as_met_late_and_stays_breached(
    clarification_policy, queues, agent
):
    opened = timezone.now() - timedelta(hours=25)
    ticket = ticket_open(queues["billing"], at=opened, clarification=True)
    watch(timezone.now())
    ticket_reply(ticket, author=agent, text="Disculpa la demora, ya revisamos el cargo.")
    ticket.refresh_from_db()
    assert ticket.sla_state == "breached"
    assert kinds(ticket)[-2:] == ["met_late", "paused"]  # answered, now waits on customer
    assert Message.objects.filter(ticket=ticket, internal=False, author_kind="agent").count() == 1


def test_non_clarification_ticket_gets_the_next_policy(clarification_policy, queues):
    ticket = ticket_open(queues["billing"], at=FRIDAY_17, clarification=False)
    assert ticket.sla_policy.name == "otra"
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == FRIDAY_17 + timedelta(hours=8)
