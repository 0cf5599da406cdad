"""Changing several tickets at once from the agent list: each audited, all or nothing."""

import pytest
from django.test import Client

from helpdesk.models import Status, Ticket, TicketEvent
from helpdesk.services import bulk
from helpdesk.services.bulk import BulkAction, bulk_action_parse, tickets_bulk_apply
from helpdesk.services.intake import Inbound, intake_receive
from helpdesk.services.tickets import TicketChangeError

pytestmark = [pytest.mark.core]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("take", BulkAction("take")),
        ("release", BulkAction("release")),
        ("status:closed", BulkAction("status", "closed")),
        ("queue:billing", BulkAction("queue", "billing")),
    ],
)
def test_parse(raw, expected):
    assert bulk_action_parse(raw) == expected


@pytest.mark.parametrize("raw", ["", "take:x", "status:perdido", "queue:", "borrar", "status"])
def test_parse_refuses_anything_else(raw):
    with pytest.raises(TicketChangeError) as caught:
        bulk_action_parse(raw)
    assert caught.value.code == "invalid_action"


def opened(text, email):
    return intake_receive(Inbound(channel="web", email=email, name="Cliente", text=text)).ticket


@pytest.fixture
def three(queues):
    """Two technical tickets (the agent's queue) and one billing ticket (not theirs)."""
    tickets = [
        opened("No tengo señal en el celular", "a@correo.mx"),
        opened("Los datos móviles no cargan", "b@correo.mx"),
        opened("Me cobraron dos veces la recarga", "c@correo.mx"),
    ]
    assert [t.queue.slug for t in tickets] == ["technical", "technical", "billing"]
    return tickets


def events(kind):
    return list(TicketEvent.objects.filter(kind=kind).values_list("ticket__reference", flat=True))


@pytest.mark.django_db
def test_take_changes_only_the_agents_tickets_and_audits_each(agent, three):
    signal, data, billing = three
    refs = [t.reference for t in three]
    result = tickets_bulk_apply(agent, refs, BulkAction("take"))
    assert (result.changed, result.unchanged, result.refused) == (2, 0, 1)
    assert set(Ticket.objects.filter(assignee=agent).values_list("pk", flat=True)) == {
        signal.pk,
        data.pk,
    }
    assert sorted(events("assigned")) == sorted([signal.reference, data.reference])
    again = tickets_bulk_apply(agent, refs, BulkAction("take"))
    assert (again.changed, again.unchanged, again.refused) == (0, 2, 1)
    assert len(events("assigned")) == 2  # nothing changed, nothing recorded


@pytest.mark.django_db
def test_status_and_queue_go_through_the_ticket_writers(agent, supervisor, three):
    signal, data, billing = three
    result = tickets_bulk_apply(agent, [signal.reference], BulkAction("status", Status.CLOSED))
    assert result.changed == 1
    signal.refresh_from_db()
    assert signal.status == Status.CLOSED and signal.closed_at is not None
    moved = tickets_bulk_apply(
        supervisor, [data.reference, billing.reference], BulkAction("queue", "sales")
    )
    assert (moved.changed, moved.unchanged, moved.refused) == (2, 0, 0)
    assert set(Ticket.objects.filter(queue__slug="sales").values_list("pk", flat=True)) == {
        data.pk,
        billing.pk,
    }
    # A queue change is a triage correction: recorded with where it came from.
    changes = TicketEvent.objects.filter(kind="queue_changed").order_by("ticket_id")
    assert [(e.old_value, e.new_value) for e in changes] == [
        ("technical", "sales"),
        ("billing", "sales"),
    ]


@pytest.mark.django_db
def test_refusals_write_nothing(agent, three):
    refs = [t.reference for t in three]
    for action, refs_given, code in [
        (BulkAction("queue", "no-existe"), refs, "invalid_queue"),
        (BulkAction("take"), [], "no_tickets"),
        (BulkAction("take"), [f"T-{n:06d}" for n in range(bulk.MAX_TICKETS + 1)], "too_many"),
    ]:
        with pytest.raises(TicketChangeError) as caught:
            tickets_bulk_apply(agent, refs_given, action)
        assert caught.value.code == code
    assert not TicketEvent.objects.filter(kind__in=["assigned", "queue_changed"]).exists()


@pytest.mark.django_db(transaction=True)
def test_a_failure_half_way_undoes_the_whole_batch(agent, three, monkeypatch):
    """Fault injection: the second ticket's writer fails; the first one's change is undone."""
    real = bulk._apply
    calls = []

    def failing_second(ticket, user, action, queue):
        calls.append(ticket.reference)
        if len(calls) == 2:
            raise RuntimeError("corte a mitad del lote")
        return real(ticket, user, action, queue)

    monkeypatch.setattr(bulk, "_apply", failing_second)
    with pytest.raises(RuntimeError):
        tickets_bulk_apply(agent, [t.reference for t in three], BulkAction("take"))
    assert len(calls) == 2
    assert not Ticket.objects.filter(assignee__isnull=False).exists()
    assert not TicketEvent.objects.filter(kind="assigned").exists()


@pytest.fixture
def agent_client(agent):
    client = Client()
    client.force_login(agent)
    return client


@pytest.mark.django_db
def test_the_list_form_changes_ticked_rows_and_returns_to_the_same_list(agent_client, three):
    signal, data, billing = three
    page = agent_client.get("/agent/?order=oldest")
    html = page.content.decode()
    assert 'id="bulk-form"' in html and f'value="{signal.reference}" form="bulk-form"' in html
    assert 'value="queue:billing"' in html  # any queue, not only the agent's own
    response = agent_client.post(
        "/agent/lote/",
        {
            "ticket": [signal.reference, data.reference, billing.reference],
            "action": "status:resolved",
            "next": "/agent/?order=oldest",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/agent/?order=oldest"
    text = response.content.decode()
    assert "2 tickets actualizados." in text and "1 no es de tus colas" in text
    assert Ticket.objects.filter(status=Status.RESOLVED).count() == 2
    assert Ticket.objects.get(pk=billing.pk).status != Status.RESOLVED


@pytest.mark.django_db
def test_the_list_form_errors_in_english_and_never_leaves_the_site(agent_client, three):
    agent_client.cookies["django_language"] = "en"
    response = agent_client.post(
        "/agent/lote/",
        {"ticket": [three[0].reference], "action": "", "next": "https://evil.example/"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302 and response["Location"] == "/agent/"
    followed = agent_client.get("/agent/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Choose what to do with the ticked tickets." in followed.content.decode()
    assert not TicketEvent.objects.filter(kind="status_changed").exists()
