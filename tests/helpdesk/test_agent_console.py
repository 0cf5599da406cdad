"""Agent console: lists with filters and cursor pages, the ticket page, replies, changes."""

import pytest
from django.test import Client
from django.urls import reverse

from helpdesk.models import Ticket, TicketEvent
from helpdesk.services.intake import Inbound, intake_receive

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def open_ticket(text="No tengo señal en mi barrio", email="c@x.co"):
    return intake_receive(Inbound(channel="web", email=email, name="Cliente", text=text)).ticket


@pytest.fixture
def agent_client(agent):
    client = Client()
    client.force_login(agent)
    return client


def test_list_shows_only_my_queues(agent_client, queues):
    tech = open_ticket()
    billing = open_ticket("Me cobraron de más en la factura", "b@x.co")
    assert billing.queue.slug == "billing"
    body = agent_client.get("/agent/").content.decode()
    assert tech.reference in body and billing.reference not in body


def test_list_filters_and_cursor(agent_client, queues, agent):
    tickets = [open_ticket(f"sin señal {i}", f"c{i}@x.co") for i in range(30)]
    page1 = agent_client.get("/agent/")
    refs1 = [t.reference for t in page1.context["page"].tickets]
    assert refs1 == [t.reference for t in tickets[::-1][:25]]
    cursor = page1.context["page"].next_cursor
    page2 = agent_client.get(f"/agent/?cursor={cursor}")
    assert [t.reference for t in page2.context["page"].tickets] == [
        t.reference for t in tickets[::-1][25:]
    ]
    oldest = agent_client.get("/agent/?order=oldest")
    assert oldest.context["page"].tickets[0].reference == tickets[0].reference
    agent_client.post(
        reverse("helpdesk:agent-update", args=[tickets[3].reference]), {"assignee": "me"}
    )
    mine = agent_client.get("/agent/?mine=1").context["page"].tickets
    assert [t.reference for t in mine] == [tickets[3].reference]


def test_reply_and_internal_note(agent_client, queues):
    ticket = open_ticket()
    agent_client.post(
        reverse("helpdesk:agent-reply", args=[ticket.reference]),
        {"text": "Nota privada", "internal": "1"},
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at is None  # a note is not an answer
    agent_client.post(
        reverse("helpdesk:agent-reply", args=[ticket.reference]),
        {"text": "Hola, reinicia el equipo por favor", "internal": "0"},
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.status == "waiting"
    assert list(ticket.messages.values_list("author_kind", "internal")) == [
        ("customer", False),
        ("agent", True),
        ("agent", False),
    ]
    body = agent_client.get(reverse("helpdesk:agent-ticket", args=[ticket.reference]))
    assert "Nota privada" in body.content.decode()


def test_empty_reply_is_refused(agent_client, queues):
    ticket = open_ticket()
    response = agent_client.post(
        reverse("helpdesk:agent-reply", args=[ticket.reference]), {"text": "  "}, follow=True
    )
    assert "vacía" in response.content.decode()
    assert ticket.messages.count() == 1


def test_move_queue_records_triage_correction(agent_client, queues, agent):
    ticket = open_ticket("No me funciona bien el chip, creo")
    assert ticket.queue.slug == "technical"
    agent_client.post(
        reverse("helpdesk:agent-update", args=[ticket.reference]),
        {"queue": "billing", "category": "billing"},
    )
    ticket.refresh_from_db()
    assert ticket.queue.slug == "billing"
    event = TicketEvent.objects.get(ticket=ticket, kind="queue_changed")
    assert event.actor == agent and event.new_value == "billing"


def test_status_change_is_audited(agent_client, queues, agent):
    ticket = open_ticket()
    agent_client.post(
        reverse("helpdesk:agent-update", args=[ticket.reference]), {"status": "resolved"}
    )
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.resolved_at is not None
    event = TicketEvent.objects.filter(ticket=ticket, kind="status_changed").last()
    assert (event.old_value, event.new_value, event.actor) == ("new", "resolved", agent)


def test_invalid_status_changes_nothing(agent_client, queues):
    ticket = open_ticket()
    agent_client.post(
        reverse("helpdesk:agent-update", args=[ticket.reference]), {"status": "borrado"}
    )
    assert Ticket.objects.get(pk=ticket.pk).status == "new"


def test_reclassification_applies_the_policy_that_now_matches(agent_client, queues):
    import io

    from helpdesk.sla.seed import seed

    seed(io.StringIO())
    ticket = open_ticket("No tengo señal en mi barrio")
    ticket.refresh_from_db()
    assert ticket.sla_policy.name.startswith("Soporte técnico")
    agent_client.post(reverse("helpdesk:agent-update", args=[ticket.reference]), {"priority": "4"})
    ticket.refresh_from_db()
    assert ticket.priority == 4
    assert ticket.sla_policy.name.startswith("Urgente")
