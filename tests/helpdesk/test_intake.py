import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from helpdesk.models import Message, Status, Ticket, TicketEvent
from helpdesk.services.intake import Inbound, IntakeError, intake_receive, intake_receive_many
from tests.factories import user_create

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


def _replied(ticket, agent):
    """An agent's answer: the first response is met, the next customer line starts a target."""
    from helpdesk.services.replies import ticket_reply

    ticket_reply(ticket, author=agent, text="Ya lo revisamos", status=Status.WAITING)


def test_followups_of_a_batch_share_statements_and_keep_order(queues):
    from helpdesk.sla.models import SlaClockEvent, TicketClock
    from tests.sla.helpers import policy

    policy(queue=queues["technical"], first_response_minutes=60, next_response_minutes=30)
    opened = [
        intake_receive(Inbound(channel="chat", email=f"c{n}@d.co", text="Sin señal")).ticket
        for n in range(4)
    ]
    agent = user_create("agente_lote", queues=[queues["technical"]])
    for ticket in opened:
        assert ticket.queue.slug == "technical"
        _replied(ticket, agent)

    def lines(tickets, tag):
        return [
            Inbound(channel="chat", ticket_id=t.pk, client_id=f"{tag}{n}", text=f"{tag} {n}")
            for n, t in enumerate(tickets)
        ]

    with CaptureQueriesContext(connection) as two:
        intake_receive_many(lines(opened[:2], "a"))
    # Four tickets, one of them twice: the same statements as two tickets.
    batch = lines(opened, "b") + [
        Inbound(channel="chat", ticket_id=opened[0].pk, client_id="b-again", text="¿Hola?")
    ]
    with CaptureQueriesContext(connection) as five:
        results = intake_receive_many(batch)
    if connection.vendor == "postgresql":
        assert len(five) == len(two), [q["sql"][:50] for q in five.captured_queries]
    assert [r.message.text for r in results] == [i.text for i in batch]
    first = Message.objects.filter(ticket=opened[0], client_id__in=["b0", "b-again"])
    assert sorted(first.values_list("client_id", "seq")) == [("b-again", 5), ("b0", 4)]
    for ticket in opened:
        ticket.refresh_from_db()
        assert ticket.status == Status.OPEN  # reopened by the customer's line
        assert list(ticket.messages.values_list("seq", flat=True)) == list(
            range(1, ticket.last_seq + 1)
        )
        clock = TicketClock.objects.get(ticket=ticket)
        assert clock.targets["next_response"]["state"] == "running"
        assert ticket.sla_due_at is not None
    started = SlaClockEvent.objects.filter(kind="started", target="next_response")
    assert started.count() == 4  # once per ticket: a running target is not started again


def test_a_missing_ticket_fails_the_batch_and_writes_nothing(queues):
    ticket = intake_receive(Inbound(channel="chat", email="c@d.co", text="Hola")).ticket
    batch = [
        Inbound(channel="chat", ticket_id=ticket.pk, client_id="x1", text="Sigo sin señal"),
        Inbound(channel="chat", ticket_id=ticket.pk + 999, client_id="x2", text="¿Hola?"),
    ]
    with pytest.raises(Ticket.DoesNotExist):
        intake_receive_many(batch)
    ticket.refresh_from_db()
    assert ticket.last_seq == 1 and Message.objects.filter(ticket=ticket).count() == 1
