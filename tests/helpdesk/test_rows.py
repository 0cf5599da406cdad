"""`instances_insert`: the rows it writes equal what the ORM reads back, on every backend."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from helpdesk.models import Contact, Message, Ticket, TicketEvent
from helpdesk.rows import instances_insert
from helpdesk.sla.models import SlaClockEvent, TicketClock

pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]


def _ticket(queue, contact, reference: str) -> Ticket:
    return Ticket(
        reference=reference,
        subject='Sin señal «casa» \\ "comillas" ñ',
        queue=queue,
        channel="web",
        contact=contact,
        clarification=True,
        triage_confidence=0.75,
        triage_reasons=["señal", {"nested": [1, 2.5, None, True]}],
        last_seq=1,
        sla_due_at=datetime(2026, 11, 23, 4, 5, 6, 123456, tzinfo=UTC),
    )


def test_rows_of_several_tables_read_back_equal(queues):
    contact = Contact.objects.create(name="Ana", email="ana@x.co")
    tickets = [_ticket(queues["technical"], contact, f"T-ROWS{n}") for n in range(2)]
    messages = [
        Message(ticket=t, seq=1, author_kind="customer", text=f"hola {t.reference}")
        for t in tickets
    ]
    events = [TicketEvent(ticket=t, kind="created", data={"a": [1, "b"]}) for t in tickets]
    clocks = [TicketClock(ticket=t, targets={"first_response": {"due": "x"}}) for t in tickets]
    clock_events = [SlaClockEvent(ticket=t, kind="started", at=t.sla_due_at) for t in tickets]

    warm = _ticket(queues["billing"], contact, "T-WARM")  # sequence names looked up once
    instances_insert(
        [warm],
        [Message(ticket=warm, seq=1)],
        [TicketEvent(ticket=warm)],
        [SlaClockEvent(ticket=warm, at=warm.sla_due_at)],
    )
    with CaptureQueriesContext(connection) as queries:
        instances_insert(tickets, messages, events, clocks, clock_events)
    if connection.vendor == "postgresql":
        assert len(queries) == 2  # ids drawn, then every row in one statement

    for ticket in tickets:
        stored = Ticket.objects.get(pk=ticket.pk)
        assert stored.reference == ticket.reference and stored.subject == ticket.subject
        assert stored.triage_reasons == ticket.triage_reasons
        assert stored.sla_due_at == ticket.sla_due_at  # microseconds kept
        assert stored.created_at == ticket.created_at is not None
        assert stored.clarification is True and stored.triage_confidence == 0.75
        assert stored.contact_id == contact.pk and stored.queue_id == queues["technical"].pk
    for message, ticket in zip(messages, tickets, strict=True):
        assert message.ticket_id == ticket.pk
        assert message.ticket is ticket  # the cached instance survives (no extra query)
        assert Message.objects.get(pk=message.pk).text == f"hola {ticket.reference}"
    assert {e.ticket_id for e in events} == {t.pk for t in tickets}
    assert TicketEvent.objects.get(pk=events[0].pk).data == {"a": [1, "b"]}
    assert TicketClock.objects.get(pk=tickets[1].pk).targets == {"first_response": {"due": "x"}}
    assert SlaClockEvent.objects.filter(ticket__in=tickets).count() == 2
    assert all(not instance._state.adding for instance in [*tickets, *messages, *clocks])


def test_a_failing_row_writes_nothing(queues):
    contact = Contact.objects.create(name="Ana", email="ana@x.co")
    Ticket.objects.create(
        reference="T-TAKEN", queue=queues["technical"], channel="web", contact=contact
    )
    tickets = [_ticket(queues["technical"], contact, ref) for ref in ("T-FRESH", "T-TAKEN")]
    messages = [Message(ticket=t, seq=1, author_kind="customer", text="x") for t in tickets]
    with pytest.raises(IntegrityError), transaction.atomic():
        instances_insert(tickets, messages)
    assert list(Ticket.objects.values_list("reference", flat=True)) == ["T-TAKEN"]
    assert Message.objects.count() == 0
