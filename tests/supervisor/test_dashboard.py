"""Supervisor pages: access, snapshot, charts, reports with streamed CSV, team editing."""

import csv
import io
from datetime import timedelta

import pytest
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.utils import timezone

from helpdesk.incidents.models import Incident
from helpdesk.models import AgentProfile, Contact, Ticket
from helpdesk.references import reference_new
from helpdesk.services.replies import ticket_reply
from helpdesk.sla.services import sla_ticket_opened
from helpdesk.supervisor.consumers import SupervisorConsumer
from helpdesk.supervisor.selectors import dashboard_snapshot
from tests.sla.helpers import policy, watch

pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]


def make_ticket(queue, *, subject="Sin señal", channel="email", at=None, email=None):
    with transaction.atomic():
        contact = Contact.objects.create(email=email or f"{reference_new()}@example.com")
        ticket = Ticket.objects.create(
            reference=reference_new(),
            subject=subject,
            queue=queue,
            channel=channel,
            contact=contact,
            category="connection",
        )
        sla_ticket_opened(ticket, now=at or timezone.now())
    return ticket


def test_only_supervisors_get_in(client, agent, supervisor):
    assert client.get("/supervisor/").status_code == 302
    client.force_login(agent)
    for url in (
        "/supervisor/",
        "/supervisor/reportes/",
        "/supervisor/reportes/csv/",
        "/supervisor/equipo/",
        "/supervisor/incidentes/",
    ):
        assert client.get(url).status_code == 403, url
    client.force_login(supervisor)
    assert client.get("/supervisor/").status_code == 200


def test_dashboard_renders_snapshot_and_four_svg_charts(client, queues, supervisor, agent):
    policy(name="p", first_response_minutes=60)
    late = make_ticket(queues["technical"], at=timezone.now() - timedelta(hours=2))
    answered = make_ticket(queues["billing"], subject="Cobro doble")
    ticket_reply(answered, author=agent, text="Ya revisamos el cobro.")
    watch(timezone.now())
    client.force_login(supervisor)
    page = client.get("/supervisor/").content.decode()
    assert page.count("<svg") == 4
    for chart_id in (
        "chart-compliance",
        "chart-first-response",
        "chart-channel-area",
        "chart-breaches",
    ):
        assert f'id="{chart_id}"' in page
    assert "initial-snapshot" in page and late.reference in page
    assert "Incumplimientos por agente" in page

    snap = dashboard_snapshot()
    technical = next(q for q in snap["queues"] if q["slug"] == "technical")
    assert technical["counts"]["new"] == 1 and technical["total"] == 1
    assert [t["reference"] for t in snap["breached"]] == [late.reference]
    assert snap["first_response_today"]["count"] == 1
    assert snap["chats"]["available"] is True and snap["chats"]["waiting"] == 0


def test_report_preview_filters_and_full_streamed_csv(client, queues, supervisor):
    for index in range(130):
        make_ticket(
            queues["technical"] if index % 2 else queues["sales"],
            channel="chat" if index % 3 == 0 else "email",
            subject=f"caso {index}",
        )
    client.force_login(supervisor)
    page = client.get("/supervisor/reportes/", {"table": "tickets"}).content.decode()
    assert page.count("<tr>") == 101  # header + 100 preview rows

    response = client.get("/supervisor/reportes/csv/", {"table": "tickets", "queue": "technical"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["referencia", "creado", "cola"]
    assert len(rows) == 1 + 65 and {r[2] for r in rows[1:]} == {"technical"}

    everything = b"".join(
        client.get("/supervisor/reportes/csv/", {"table": "tickets"}).streaming_content
    )
    assert len(list(csv.reader(io.StringIO(everything.decode("utf-8-sig"))))) == 131
    chats = b"".join(
        client.get(
            "/supervisor/reportes/csv/", {"table": "tickets", "channel": "chat"}
        ).streaming_content
    )
    assert len(list(csv.reader(io.StringIO(chats.decode("utf-8-sig"))))) == 1 + 44
    sla = b"".join(client.get("/supervisor/reportes/csv/", {"table": "sla"}).streaming_content)
    assert sla.decode("utf-8-sig").startswith("referencia,evento,objetivo")


def test_bad_report_filters_are_a_400(client, supervisor):
    client.force_login(supervisor)
    response = client.get(
        "/supervisor/reportes/csv/", {"date_from": "2026-03-10", "date_to": "2026-03-01"}
    )
    assert response.status_code == 400
    assert client.get("/supervisor/reportes/csv/", {"date_from": "ayer"}).status_code == 400


def test_supervisor_edits_queues_and_capacity(client, queues, supervisor, agent):
    client.force_login(supervisor)
    assert agent.username in client.get("/supervisor/equipo/").content.decode()
    url = f"/supervisor/equipo/{agent.pk}/"
    prefix = f"u{agent.pk}"
    client.post(url, {f"{prefix}-capacity": 5, f"{prefix}-queues": ["billing", "sales"]})
    assert AgentProfile.objects.get(user=agent).chat_capacity == 5
    assert sorted(agent.queues.values_list("slug", flat=True)) == ["billing", "sales"]
    client.post(url, {f"{prefix}-capacity": 99, f"{prefix}-queues": ["technical"]})
    assert AgentProfile.objects.get(user=agent).chat_capacity == 5  # refused, nothing changed
    assert sorted(agent.queues.values_list("slug", flat=True)) == ["billing", "sales"]


def test_supervisor_declares_and_closes_an_incident(client, queues, supervisor):
    client.force_login(supervisor)
    response = client.post(
        "/supervisor/incidentes/",
        {
            "new-title": "Caída de SMS",
            "new-message": "Los SMS llegan con demora.",
            "new-areas": ["sms"],
            "new-severity": "minor",
            "new-keywords": "sms, mensajes",
        },
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.areas == ["sms"] and incident.created_by == supervisor
    bad = client.post(
        "/supervisor/incidentes/",
        {"new-title": "Sin áreas", "new-message": "x", "new-severity": "minor"},
    )
    assert bad.status_code == 200 and Incident.objects.count() == 1
    client.post(f"/supervisor/incidentes/{incident.pk}/cerrar/", {"notify": "on"})
    assert Incident.objects.get().ended_at is not None


async def test_websocket_sends_snapshot_and_refuses_agents(queues, supervisor, agent):
    communicator = WebsocketCommunicator(SupervisorConsumer.as_asgi(), "/ws/supervisor/")
    communicator.scope["user"] = agent
    connected, code = await communicator.connect()
    assert not connected and code == 4403

    communicator = WebsocketCommunicator(SupervisorConsumer.as_asgi(), "/ws/supervisor/")
    communicator.scope["user"] = supervisor
    connected, _ = await communicator.connect()
    assert connected
    first = await communicator.receive_json_from(timeout=5)
    assert first["type"] == "snapshot" and first["latest"] == []

    from asgiref.sync import sync_to_async

    ticket = await sync_to_async(make_ticket)(queues["technical"], subject="Nuevo en vivo")
    from helpdesk.services.events import ticket_changed_emit

    def emit():
        with transaction.atomic():
            ticket_changed_emit(Ticket.objects.select_related("queue").get(pk=ticket.pk), "created")

    await sync_to_async(emit)()
    frames = []
    for _ in range(4):
        frame = await communicator.receive_json_from(timeout=5)
        frames.append(frame)
        if frame["type"] == "snapshot":
            break
    assert frames[0] == {
        "type": "event",
        "event": "ticket.changed",
        "data": {"change": "created", "ticket": frames[0]["data"]["ticket"]},
    }
    assert frames[-1]["type"] == "snapshot"
    assert [t["reference"] for t in frames[-1]["latest"]] == [ticket.reference]
    await communicator.send_json_to({"type": "nonsense"})
    assert (await communicator.receive_json_from(timeout=5))["code"] == "unknown_type"
    await communicator.disconnect()
    from django.db import connections

    await sync_to_async(connections.close_all)()  # the shared thread's connection


def test_compliance_and_agent_reports(client, queues, supervisor, agent):
    from helpdesk.services.tickets import ticket_assign

    policy(name="p", first_response_minutes=60)
    late = make_ticket(queues["technical"], at=timezone.now() - timedelta(hours=2))
    ticket_assign(late, assignee=agent, actor=None)
    answered = make_ticket(queues["technical"])
    ticket_reply(answered, author=agent, text="Listo")
    watch(timezone.now())
    client.force_login(supervisor)

    def table(**params):
        response = client.get("/supervisor/reportes/csv/", params)
        body = b"".join(response.streaming_content).decode("utf-8-sig")
        return list(csv.reader(io.StringIO(body)))

    compliance = table(table="compliance")
    assert compliance[0] == ["día", "cola", "cumplidos", "incumplidos", "cumplimiento_%"]
    assert compliance[1][1:] == ["technical", "1", "1", "50.0"]
    agents = table(table="agents")
    assert agents[1][0] == "agente1" and agents[1][1] == "2" and agents[1][2] == "1"
    assert agents[1][4] == "1"
    breached = table(table="tickets", sla_state="breached", open_only="on")
    assert [row[0] for row in breached[1:]] == [late.reference]
