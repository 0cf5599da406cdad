"""Incidents: banners, status JSON, automatic and manual linking, SLA pause, closing update."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from helpdesk.incidents.models import GeneralMessage, Incident
from helpdesk.incidents.services import (
    general_message_set,
    incident_close,
    incident_declare,
    incident_link,
    incident_matches,
)
from helpdesk.models import Message, Ticket, TicketEvent
from helpdesk.services.intake import Inbound, intake_receive
from tests.listen import LayerListener
from tests.sla.helpers import policy

pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]


def declare(**values) -> Incident:
    defaults = {
        "title": "Caída de red móvil en Asunción",
        "severity": "major",
        "message": "Estamos trabajando para restablecer la señal.",
        "areas": ["connection", "data"],
        "regions": ["Asunción"],
        "keywords": "señal, sin servicio",
        "pause_sla": True,
        "starts_at": timezone.now() - timedelta(minutes=5),
    }
    return incident_declare(**(defaults | values))


def open_ticket(
    queue,
    *,
    text: str,
    category: str = "connection",
    channel: str = "email",
    email: str = "cliente@example.com",
) -> Ticket:
    """A new ticket through the real intake (incident linking and the clock happen there);
    `category` is what triage must make of `text`."""
    ticket = intake_receive(
        Inbound(channel=channel, text=text, name="Cliente", email=email, queue_hint=queue.slug)
    ).ticket
    ticket.refresh_from_db()
    assert ticket.category == category, (text, ticket.category)
    return ticket


def test_status_json_and_help_centre_banner(client, queues):
    incident = declare(expected_end_at=timezone.now() + timedelta(hours=2))
    general_message_set("Mantenimiento programado el domingo de 02:00 a 04:00.")
    data = client.get("/api/v1/status/").json()
    assert data["general"] == {"text": "Mantenimiento programado el domingo de 02:00 a 04:00."}
    assert data["incidents"] == [
        {
            "title": incident.title,
            "message": incident.message,
            "severity": "major",
            "areas": ["connection", "data"],
            "expected_end_at": incident.expected_end_at.isoformat(),
        }
    ]
    page = client.get("/").content.decode()
    assert "Situación del sistema" in page and incident.title in page
    assert "Mantenimiento programado" in page and "Mensaje general" in page

    incident_close(incident, notify=False)
    general_message_set("")
    assert client.get("/api/v1/status/").json() == {"incidents": [], "general": None}
    assert 'data-banner="incident"' not in client.get("/").content.decode()


def test_incident_without_areas_is_refused_and_nothing_saved(queues):
    with pytest.raises(ValidationError) as error:
        declare(areas=[])
    assert "areas" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        declare(areas=["teletransporte"])
    assert "teletransporte" in str(error.value)
    with pytest.raises(ValidationError):
        declare(expected_end_at=timezone.now() - timedelta(hours=1))
    assert Incident.objects.count() == 0


def test_matching_rule_needs_area_and_words():
    incident = Incident(areas=["connection"], keywords="sin señal, caída", regions=["Luque"])
    assert incident_matches(incident, category="connection", text="Estoy SIN SENAL en casa")
    assert incident_matches(incident, category="connection", text="vivo en luque y nada")
    assert not incident_matches(incident, category="connection", text="quiero otro plan")
    assert not incident_matches(incident, category="billing", text="sin señal")
    bare = Incident(areas=["sms"], keywords="", regions=[])
    assert incident_matches(bare, category="sms", text="cualquier cosa")


def test_new_ticket_is_linked_and_its_clock_starts_paused(queues):
    policy(name="tec", first_response_minutes=60)
    incident = declare()
    linked = open_ticket(queues["technical"], text="No tengo señal desde la mañana")
    assert linked.incident == incident and linked.sla_state == "paused"
    assert TicketEvent.objects.filter(ticket=linked, kind="incident_linked").count() == 1
    unrelated = open_ticket(
        queues["technical"],
        text="Mi equipo no enciende",
        category="device",
        email="otro@example.com",
    )
    assert unrelated.incident is None and unrelated.sla_state == "running"
    no_words = open_ticket(
        queues["technical"],
        text="Internet lento al mediodía",
        category="data",
        email="tres@example.com",
    )
    assert no_words.incident is None


def test_agent_links_and_unlinks_through_the_endpoint(client, queues, agent, billing_agent):
    policy(name="tec", first_response_minutes=60)
    incident = declare()
    ticket = open_ticket(queues["technical"], text="El celular no enciende", category="device")
    assert ticket.incident is None and ticket.sla_state == "running"
    url = f"/api/v1/status/tickets/{ticket.reference}/incident/"

    client.force_login(billing_agent)  # not an agent of the technical queue
    assert client.post(url, {"incident": incident.pk}).status_code == 403
    client.force_login(agent)
    assert client.post(url, {"incident": 999999}).status_code == 400
    response = client.post(url, {"incident": incident.pk})
    assert response.status_code == 200
    assert response.json() == {
        "reference": ticket.reference,
        "incident": incident.pk,
        "sla_state": "paused",
    }
    response = client.post(url, {"incident": ""})
    assert response.json()["incident"] is None and response.json()["sla_state"] == "running"
    kinds = list(
        TicketEvent.objects.filter(ticket=ticket, kind__startswith="incident").values_list(
            "kind", flat=True
        )
    )
    assert kinds == ["incident_linked", "incident_unlinked"]


def test_linking_to_a_closed_incident_changes_nothing(queues, agent):
    incident = declare()
    incident_close(incident, notify=False)
    ticket = open_ticket(queues["technical"], text="sin señal", category="connection")
    assert ticket.incident is None
    from helpdesk.incidents.services import IncidentError

    with pytest.raises(IncidentError):
        incident_link(ticket, incident, actor=agent)
    assert Ticket.objects.get(pk=ticket.pk).incident is None


def test_closing_sends_one_update_to_chat_and_email_customers(queues):
    policy(name="tec", first_response_minutes=60)
    incident = declare()
    by_email = open_ticket(
        queues["technical"], text="Sin servicio en Asunción", email="correo@example.com"
    )
    by_chat = open_ticket(
        queues["technical"], text="no tengo señal", channel="chat", email="chat@example.com"
    )
    assert by_email.incident == by_chat.incident == incident
    listener = LayerListener(f"ticket.{by_chat.pk}.public")

    incident_close(incident, text="Ya volvió la señal en Asunción. ¡Gracias por la paciencia!")
    call_command("db_worker", batch=True, queue_name="*", verbosity=0, startup_delay=False)

    for ticket in (by_email, by_chat):
        notices = Message.objects.filter(ticket=ticket, automatic=True)
        assert [m.text for m in notices] == [
            "Ya volvió la señal en Asunción. ¡Gracias por la paciencia!"
        ]
        assert Ticket.objects.get(pk=ticket.pk).sla_state == "running"  # clock resumed
    sent = [m for m in mail.outbox if "correo@example.com" in m.to]
    assert len(sent) == 1 and "Ya volvió la señal" in sent[0].body
    assert not [m for m in mail.outbox if "chat@example.com" in m.to]

    texts = [
        data["message"]["text"] for event, data in listener.events() if event == "message.added"
    ]
    listener.close()
    assert texts == ["Ya volvió la señal en Asunción. ¡Gracias por la paciencia!"]

    # The job is idempotent: running it again sends nothing more.
    from helpdesk.incidents.services import incident_closed_process

    assert incident_closed_process.call(incident.pk) == 0
    assert Message.objects.filter(automatic=True).count() == 2
    assert Incident.objects.get(pk=incident.pk).update_sent_at is not None


def test_general_message_replaces_the_previous(queues):
    general_message_set("uno")
    general_message_set("dos")
    assert list(GeneralMessage.objects.filter(active=True).values_list("text", flat=True)) == [
        "dos"
    ]


def test_general_banner_follows_changes_and_its_schedule(client, queues):
    from helpdesk.incidents.selectors import general_active

    assert general_active() is None
    general_message_set("Mantenimiento el domingo")
    assert general_active().text == "Mantenimiento el domingo"
    assert "Mantenimiento el domingo" in client.get("/").content.decode()
    general_message_set("")  # cleared by an UPDATE, which sends no signal
    assert general_active() is None
    soon = timezone.now() + timedelta(seconds=1)
    GeneralMessage.objects.create(text="Aviso programado", starts_at=soon)  # e.g. in the admin
    assert general_active() is None  # loaded, not showing yet
    # No change is saved meanwhile: the text shows once its start has come.
    time.sleep(max(0.0, (soon - timezone.now()).total_seconds()) + 0.05)
    assert general_active().text == "Aviso programado"


def test_ticket_page_form_links_and_redirects_back(client, queues, agent):
    from django.template import Context, Template

    incident = declare()
    ticket = open_ticket(queues["technical"], text="El equipo se reinicia", category="device")
    html = Template("{% load incident_tags %}{% incident_link_form ticket %}").render(
        Context({"ticket": ticket, "csrf_token": "x"})
    )
    assert f'value="{incident.pk}"' in html and "Caída de red móvil" in html
    client.force_login(agent)
    back = f"/agent/tickets/{ticket.reference}/"
    response = client.post(
        f"/api/v1/status/tickets/{ticket.reference}/incident/",
        {"incident": incident.pk, "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    assert Ticket.objects.get(pk=ticket.pk).incident == incident
    evil = client.post(
        f"/api/v1/status/tickets/{ticket.reference}/incident/",
        {"incident": "", "next": "https://evil.example/"},
    )
    assert evil.status_code == 200  # no open redirect: JSON answer instead
