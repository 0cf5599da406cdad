import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import Message, Ticket, TicketEvent
from helpdesk.services.intake import Inbound, IntakeError, intake_receive

pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]


def test_web_message_opens_triaged_ticket(queues):
    result = intake_receive(
        Inbound(
            channel="web",
            name="Ana",
            email="Ana@Example.com",
            text="Me cobraron dos veces la recarga de ayer",
        )
    )
    assert result.created and not result.duplicate
    ticket = Ticket.objects.get()
    assert ticket.queue.slug == "billing"
    assert ticket.contact.email == "ana@example.com"
    assert ticket.reference.startswith("T-") and len(ticket.reference) == 8
    assert list(ticket.messages.values_list("seq", "author_kind")) == [(1, "customer")]
    assert TicketEvent.objects.filter(ticket=ticket, kind="created").count() == 1


def test_same_email_message_id_is_stored_once(queues):
    inbound = Inbound(channel="email", email="a@b.co", text="Sin señal", email_message_id="<x@y>")
    first = intake_receive(inbound)
    second = intake_receive(inbound)
    assert second.duplicate and second.message.pk == first.message.pk
    assert Message.objects.count() == 1 and Ticket.objects.count() == 1


def test_followup_gets_next_seq_and_redacts_secrets(queues):
    first = intake_receive(Inbound(channel="chat", email="c@d.co", text="Hola", client_id="m1"))
    follow = intake_receive(
        Inbound(
            channel="chat",
            ticket_id=first.ticket.pk,
            client_id="m2",
            text="mi contraseña es Secreta123",
        )
    )
    assert follow.message.seq == 2
    assert "Secreta123" not in follow.message.text
    assert follow.redacted == ("password",)
    notice = Message.objects.get(ticket=first.ticket, seq=3)
    assert notice.author_kind == "system" and notice.automatic and not notice.internal
    assert "ocultamos una contraseña" in notice.text
    again = intake_receive(
        Inbound(
            channel="chat",
            ticket_id=first.ticket.pk,
            client_id="m2",
            text="mi contraseña es Secreta123",
        )
    )
    assert again.duplicate and again.message.seq == 2
    assert Message.objects.filter(ticket=first.ticket).count() == 3


def test_empty_message_writes_nothing(queues):
    with pytest.raises(IntakeError) as error:
        intake_receive(Inbound(channel="web", email="a@b.co", text="   "))
    assert error.value.code == "empty"
    assert Ticket.objects.count() == 0 and Message.objects.count() == 0


def test_intake_query_count_is_bounded(queues):
    # The first intake of a process loads the snapshots (queues, rules, policies, incidents).
    intake_receive(Inbound(channel="web", email="w@b.co", text="Primera consulta"))
    with CaptureQueriesContext(connection) as queries:
        intake_receive(Inbound(channel="web", email="q@b.co", text="No tengo internet"))
    # contact upsert, ticket (in a savepoint), message, event, SLA clock; on SQLite the
    # snapshots' version checks are cache-table reads too (tests check them on every read).
    assert len(queries) <= 14, [q["sql"][:60] for q in queries.captured_queries]


def test_reference_collision_draws_again_and_loses_nothing(queues, monkeypatch):
    taken = intake_receive(Inbound(channel="web", email="a@b.co", text="Sin señal")).ticket
    draws = iter([taken.reference, "T-ZZZZZZ"])  # the first draw repeats a stored reference
    monkeypatch.setattr("helpdesk.services.opening.reference_new", lambda: next(draws))
    result = intake_receive(Inbound(channel="web", email="c@d.co", text="Me cobraron doble"))
    assert result.created and result.ticket.reference == "T-ZZZZZZ"
    assert Ticket.objects.count() == 2
    assert Message.objects.filter(ticket=result.ticket).count() == 1
    assert TicketEvent.objects.filter(ticket=result.ticket, kind="created").count() == 1
