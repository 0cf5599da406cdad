"""Agent console: lists with filters and cursor pages, the ticket page, replies, changes."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

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


def test_list_rows_show_labels_links_and_assignee(agent_client, queues, agent):
    ticket = open_ticket("Me cobraron dos veces la recarga y no me llegó el saldo", "r@x.co")
    agent.queues.add(ticket.queue)
    due = timezone.now() + timedelta(hours=2, minutes=5)
    Ticket.objects.filter(pk=ticket.pk).update(assignee=agent, sla_state="at_risk", sla_due_at=due)
    response = agent_client.get("/agent/?status=")
    row = response.context["rows"][0]
    assert row.reference == ticket.reference
    assert row.url == reverse("helpdesk:agent-ticket", args=[ticket.reference])
    assert (row.channel, row.status_label, row.queue) == (
        "Formulario web",
        "Nuevo",
        "Facturación y saldo",
    )
    assert row.category == "Facturación y saldo" and row.clarification is True
    assert row.customer == "Cliente" and row.assignee == agent.get_username()
    assert (row.sla_state, row.sla_label) == ("at_risk", "En riesgo")
    assert row.sla_left.startswith("2\xa0horas, 4\xa0minutos")  # Django's timeuntil, 2 units
    body = response.content.decode()
    assert f'<a href="{row.url}">{ticket.reference}</a>' in body
    english_client = Client()
    english_client.force_login(agent)
    english_client.cookies["django_language"] = "en"
    row_en = english_client.get("/agent/?status=").context["rows"][0]
    assert (row_en.channel, row_en.status_label) == ("Web form", "New")


def test_list_query_count_does_not_grow_with_tickets(agent_client, queues):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    open_ticket()
    agent_client.get("/agent/")  # warm the process snapshots (queues, banners)
    with CaptureQueriesContext(connection) as one:
        agent_client.get("/agent/")
    for i in range(30):
        open_ticket(f"sin señal {i}", f"q{i}@x.co")
    with CaptureQueriesContext(connection) as many:
        response = agent_client.get("/agent/")
    assert len(response.context["rows"]) == 25
    assert len(many) == len(one)
    # session, user, profile, queue ids, tickets, transfer targets' members (on SQLite the
    # database cache's snapshot version checks come on top)
    reads = [q["sql"] for q in many.captured_queries if "helpdesk_cache" not in q["sql"]]
    assert len(reads) == 6, [sql[:80] for sql in reads]


def test_transfer_menu_lists_every_queue_with_its_active_agents(agent_client, queues, agent):
    import json
    import re

    from tests.factories import user_create

    user_create("zeta", queues=[queues["billing"], queues["technical"]])
    user_create("beta", queues=[queues["billing"]])
    gone = user_create("alfa", queues=[queues["billing"]])
    gone.is_active = False
    gone.save()
    body = agent_client.get("/agent/").content.decode()
    raw = re.search(r'id="chat-transfer-targets"[^>]*>(.*?)</script>', body, re.S).group(1)
    targets = json.loads(raw)
    assert [(t["slug"], t["name"]) for t in targets] == [
        ("technical", "Soporte técnico"),
        ("billing", "Facturación y saldo"),
        ("sales", "Ventas"),
    ]
    names = {t["slug"]: [a["name"] for a in t["agents"]] for t in targets}
    assert names == {"technical": ["Agente1", "Zeta"], "billing": ["Beta", "Zeta"], "sales": []}
