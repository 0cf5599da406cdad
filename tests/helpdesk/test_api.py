"""REST API: anonymous ticket creation, token auth, agent reads and replies."""

import pytest
from rest_framework.test import APIClient

from helpdesk.models import Message, Ticket
from tests.factories import user_create

pytestmark = [pytest.mark.core, pytest.mark.django_db]

PAYLOAD = {
    "name": "Luis",
    "email": "luis@example.com",
    "message": "No me llegan los mensajes de texto desde ayer",
}


@pytest.fixture
def api():
    return APIClient()


def token_for(api, username, password="clave-segura-123"):
    response = api.post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def test_create_ticket_without_login(api, queues):
    response = api.post("/api/v1/tickets/", PAYLOAD, format="json")
    assert response.status_code == 201
    data = response.json()
    assert set(data) == {"reference", "queue", "category", "status", "sla_due_at", "tracking_url"}
    assert data["queue"] == "technical" and data["status"] == "new"
    assert data["tracking_url"].startswith("http") and "/seguimiento/" in data["tracking_url"]
    assert Ticket.objects.get().channel == "api"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**PAYLOAD, "email": "x"}, "email"),
        ({**PAYLOAD, "message": ""}, "message"),
        ({**PAYLOAD, "message": "a" * 1_000_000}, "message"),
        ({**PAYLOAD, "priority": "urgent"}, "priority"),
        ({"email": "a@b.co", "message": "hola"}, "name"),
    ],
)
def test_bad_input_is_400_with_field_errors(api, queues, payload, field):
    response = api.post("/api/v1/tickets/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Ticket.objects.count() == 0 and Message.objects.count() == 0


def test_create_is_rate_limited(api, queues, monkeypatch):
    from helpdesk.api.views import IntakeThrottle

    monkeypatch.setattr(IntakeThrottle, "THROTTLE_RATES", {"intake": "2/min"})
    codes = [api.post("/api/v1/tickets/", PAYLOAD, format="json").status_code for _ in range(4)]
    assert codes == [201, 201, 429, 429]
    assert Ticket.objects.count() == 2


def test_agent_reads_ticket_with_sla_and_messages(api, queues, agent):
    reference = api.post("/api/v1/tickets/", PAYLOAD, format="json").json()["reference"]
    api.credentials(HTTP_AUTHORIZATION="Token " + token_for(api, "agente1"))
    data = api.get(f"/api/v1/tickets/{reference}/").json()
    assert data["reference"] == reference
    assert set(data["sla"]) == {"policy", "due_at", "state"}
    assert data["messages"][0]["from"] == "customer"
    assert data["messages"][0]["seq"] == 1
    assert data["messages"][0]["text"] == PAYLOAD["message"]


def test_agent_replies_through_api_and_reply_is_idempotent(api, queues, agent):
    reference = api.post("/api/v1/tickets/", PAYLOAD, format="json").json()["reference"]
    api.credentials(HTTP_AUTHORIZATION="Token " + token_for(api, "agente1"))
    body = {"text": "Revisa que la bandeja no esté llena", "client_id": "r-1"}
    first = api.post(f"/api/v1/tickets/{reference}/reply/", body, format="json")
    second = api.post(f"/api/v1/tickets/{reference}/reply/", body, format="json")
    assert first.status_code == 201 and second.status_code == 201
    assert first.json()["seq"] == second.json()["seq"]
    ticket = Ticket.objects.get(reference=reference)
    assert ticket.messages.filter(author_kind="agent").count() == 1
    assert ticket.status == "waiting" and ticket.first_response_at is not None


def test_list_is_newest_first_with_cursor(api, queues, agent):
    refs = [
        api.post(
            "/api/v1/tickets/", {**PAYLOAD, "message": f"sin señal {i}"}, format="json"
        ).json()["reference"]
        for i in range(5)
    ]
    api.credentials(HTTP_AUTHORIZATION="Token " + token_for(api, "agente1"))
    first = api.get("/api/v1/tickets/?size=3").json()
    assert [t["reference"] for t in first["results"]] == refs[::-1][:3]
    second = api.get(f"/api/v1/tickets/?size=3&cursor={first['next']}").json()
    assert [t["reference"] for t in second["results"]] == refs[::-1][3:]
    assert second["next"] is None


def test_wrong_password_gives_no_token(api, queues, agent):
    response = api.post(
        "/api/v1/auth/token/", {"username": "agente1", "password": "mal"}, format="json"
    )
    assert response.status_code == 400 and "token" not in response.json()


def test_schema_is_openapi3(api, queues):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")
    assert "/api/v1/tickets/" in response.json()["paths"]


def test_other_queue_agent_cannot_read(api, queues, agent):
    reference = api.post("/api/v1/tickets/", PAYLOAD, format="json").json()["reference"]
    user_create("ventas1", queues=[queues["sales"]])
    api.credentials(HTTP_AUTHORIZATION="Token " + token_for(api, "ventas1"))
    assert api.get(f"/api/v1/tickets/{reference}/").status_code == 403
    assert (
        api.post(f"/api/v1/tickets/{reference}/reply/", {"text": "hola"}, format="json").status_code
        == 403
    )
    assert api.get("/api/v1/tickets/").json()["results"] == []


def test_docs_page_serves_its_own_assets(api, queues):
    body = api.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in body
    assert "cdn.jsdelivr" not in body
