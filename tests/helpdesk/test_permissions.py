"""The permission matrix: every page and endpoint against every role."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from helpdesk.services.intake import Inbound, intake_receive
from tests.factories import user_create

pytestmark = [pytest.mark.core, pytest.mark.django_db]


@pytest.fixture
def world(queues):
    from helpdesk.models import Role

    users = {
        "agent_tech": user_create("tec", queues=[queues["technical"]]),
        "agent_sales": user_create("ven", queues=[queues["sales"]]),
        "supervisor": user_create("sup", role=Role.SUPERVISOR),
        "admin": user_create("adm", role=Role.ADMIN),
    }
    users["admin"].is_superuser = True
    users["admin"].save()
    ticket = intake_receive(
        Inbound(channel="web", email="c@x.co", name="C", text="No tengo señal en el celular")
    ).ticket
    assert ticket.queue.slug == "technical"
    return users, ticket


def page_client(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# (role, path template, expected status)
PAGES = [
    (None, "/", 200),
    (None, "/agent/", 302),
    (None, "/agent/tickets/{ref}/", 302),
    (None, "/admin/", 302),
    ("agent_tech", "/agent/", 200),
    ("agent_tech", "/agent/tickets/{ref}/", 200),
    ("agent_tech", "/admin/", 302),
    ("agent_sales", "/agent/", 200),
    ("agent_sales", "/agent/tickets/{ref}/", 403),
    ("supervisor", "/agent/tickets/{ref}/", 200),
    ("supervisor", "/admin/", 200),
    ("admin", "/agent/tickets/{ref}/", 200),
    ("admin", "/admin/", 200),
    # Public pages of the other apps.
    (None, "/kb/", 200),
    (None, "/kb/buscar/?q=senal", 200),
    (None, "/chat/demo/", 200),
    (None, "/api/v1/status/", 200),
    (None, "/api/v1/kb/search/?q=saldo", 200),
    (None, "/api/schema/", 200),
    # Supervisor pages: supervisors and admins only.
    (None, "/supervisor/", 302),
    ("agent_tech", "/supervisor/", 403),
    ("supervisor", "/supervisor/", 200),
    ("admin", "/supervisor/", 200),
    ("agent_tech", "/supervisor/reportes/", 403),
    ("supervisor", "/supervisor/reportes/", 200),
    ("agent_tech", "/supervisor/equipo/", 403),
    ("supervisor", "/supervisor/equipo/", 200),
    ("agent_tech", "/supervisor/incidentes/", 403),
    ("supervisor", "/supervisor/incidentes/", 200),
    ("agent_tech", "/supervisor/reportes/csv/?report=tickets", 403),
    ("supervisor", "/supervisor/reportes/csv/?report=tickets", 200),
    # Knowledge-base figures: staff only.
    (None, "/kb/figures/", 302),
    ("agent_tech", "/kb/figures/", 403),
    ("supervisor", "/kb/figures/", 200),
    # Chat capacity and canned-response APIs.
    ("agent_tech", "/chat/api/agents/", 403),
    ("supervisor", "/chat/api/agents/", 200),
    ("agent_tech", "/chat/api/canned/", 200),
]


@pytest.mark.parametrize(("role", "path", "expected"), PAGES)
def test_pages(world, role, path, expected):
    users, ticket = world
    response = page_client(users.get(role)).get(path.format(ref=ticket.reference))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [("agent_tech", 302), ("agent_sales", 403), ("supervisor", 302), (None, 302)],
)
def test_reply_post(world, role, expected):
    users, ticket = world
    client = page_client(users.get(role))
    response = client.post(f"/agent/tickets/{ticket.reference}/reply/", {"text": "Hola"})
    assert response.status_code == expected
    wrote = ticket.messages.filter(author_kind="agent").exists()
    assert wrote == (role in ("agent_tech", "supervisor"))


@pytest.mark.parametrize(
    ("role", "expected"),
    [("agent_tech", 302), ("agent_sales", 403), ("supervisor", 302), ("admin", 302), (None, 302)],
)
def test_resend_post(world, role, expected):
    """Who may send a failed email again; the customer's own line never qualifies, so those
    allowed are told so and nothing is queued."""
    from helpdesk.models import TicketEvent

    users, ticket = world
    client = page_client(users.get(role))
    response = client.post(f"/agent/tickets/{ticket.reference}/messages/1/resend/")
    assert response.status_code == expected
    if role in ("agent_tech", "supervisor", "admin"):
        assert response["Location"] == f"/agent/tickets/{ticket.reference}/"
    elif role is None:
        assert response["Location"].startswith("/login/")
    assert not TicketEvent.objects.filter(kind="delivery_retried").exists()


@pytest.mark.parametrize(
    ("role", "changes"),
    [
        ("agent_tech", True),
        ("agent_sales", False),
        ("supervisor", True),
        ("admin", True),
        (None, False),
    ],
)
def test_bulk_post(world, role, changes):
    """The list's bulk form: only tickets of the user's queues change; anonymous goes to log in."""
    users, ticket = world
    client = page_client(users.get(role))
    response = client.post("/agent/lote/", {"ticket": [ticket.reference], "action": "take"})
    assert response.status_code == 302
    if role is None:
        assert response["Location"].startswith("/login/")
    ticket.refresh_from_db()
    assert (ticket.assignee_id is not None) == changes
    if changes:
        assert ticket.assignee_id == users[role].pk


API = [
    (None, "get", "/api/v1/tickets/", 401),
    (None, "get", "/api/v1/tickets/{ref}/", 401),
    ("agent_tech", "get", "/api/v1/tickets/{ref}/", 200),
    ("agent_sales", "get", "/api/v1/tickets/{ref}/", 403),
    ("supervisor", "get", "/api/v1/tickets/{ref}/", 200),
    ("admin", "get", "/api/v1/tickets/{ref}/", 200),
    ("agent_sales", "get", "/api/v1/tickets/", 200),
]


@pytest.mark.parametrize(("role", "method", "path", "expected"), API)
def test_api(world, role, method, path, expected):
    users, ticket = world
    client = Client()
    headers = {}
    if role:
        token, _ = Token.objects.get_or_create(user=users[role])
        headers["HTTP_AUTHORIZATION"] = f"Token {token.key}"
    response = getattr(client, method)(path.format(ref=ticket.reference), **headers)
    assert response.status_code == expected


def test_customer_user_without_profile_is_not_an_agent(world):
    from django.contrib.auth import get_user_model

    plain = get_user_model().objects.create_user("cliente", password="x")
    assert page_client(plain).get("/agent/").status_code == 403
