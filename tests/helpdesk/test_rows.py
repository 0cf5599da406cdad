"""`instances_insert`: the rows it writes equal what the ORM reads back, on every backend."""

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from helpdesk.models import Contact, Message, Ticket, TicketEvent
from helpdesk.rows import instance_new, instances_insert, rows_write
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


def test_updates_and_log_rows_in_one_write(queues):
    contact = Contact.objects.create(name="Ana", email="ana@x.co")
    tickets = [_ticket(queues["technical"], contact, f"T-UPD{n}") for n in range(3)]
    instances_insert(tickets)
    stamps = [t.updated_at for t in tickets]
    for n, ticket in enumerate(tickets[:2]):
        ticket.sla_state = "breached"
        ticket.subject = f"cambiado {n}"  # not among the fields written
        ticket.triage_reasons = [{"n": n}]
    log = [SlaClockEvent(ticket=t, kind="breached", at=t.sla_due_at) for t in tickets]
    warm = [SlaClockEvent(ticket=tickets[0], kind="warm", at=tickets[0].sla_due_at)]
    rows_write(log=warm)  # the log statement is built once per table
    with CaptureQueriesContext(connection) as queries:
        rows_write(update=[(tickets[:2], ["sla_state", "triage_reasons", "updated_at"])], log=log)
    if connection.vendor == "postgresql":
        assert len(queries) == 1
    stored = {t.reference: t for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets])}
    for n in range(2):
        row = stored[f"T-UPD{n}"]
        assert row.sla_state == "breached" and row.triage_reasons == [{"n": n}]
        assert row.subject != f"cambiado {n}"  # untouched: not in the fields
        assert row.updated_at > stamps[n]  # auto_now written
    assert stored["T-UPD2"].sla_state == "running"
    assert SlaClockEvent.objects.filter(kind="breached").count() == 3


def test_the_last_group_takes_its_ids_from_its_insert(queues):
    """Rows nothing else in the write points at are numbered by the table at the INSERT (no
    statement drawing ids first), each instance getting its own row's id; a group other rows
    point at still has its ids drawn first."""
    contact = Contact.objects.create(name="Ana", email="ana@x.co")
    ticket = _ticket(queues["technical"], contact, "T-RET")
    instances_insert([ticket])
    texts = ["uno", "dos «tres»", "cuatro"]
    messages = [
        Message(ticket=ticket, seq=n, author_kind="customer", text=text)
        for n, text in enumerate(texts, start=2)
    ]
    clock_events = [SlaClockEvent(ticket=ticket, kind="started", at=ticket.sla_due_at)]
    rows_write(insert=[[Message(ticket=ticket, seq=1, text="calentar")]])  # statements built
    with CaptureQueriesContext(connection) as queries:
        rows_write(insert=[messages], log=clock_events)
    if connection.vendor == "postgresql":
        assert len(queries) == 1
        assert "RETURNING" in queries.captured_queries[0]["sql"]
    assert len({m.pk for m in messages}) == 3 and all(m.pk for m in messages)
    for message, text in zip(messages, texts, strict=True):
        assert Message.objects.get(pk=message.pk).text == text  # each its own row's id
        assert message._state.adding is False

    later = [_ticket(queues["billing"], contact, "T-RET2")]
    pointing = [Message(ticket=later[0], seq=1, text="apunta al ticket nuevo")]
    with CaptureQueriesContext(connection) as queries:
        rows_write(insert=[later, pointing])
    if connection.vendor == "postgresql":
        assert len(queries) == 2  # the ticket's id drawn first: the message points at it
    assert Message.objects.get(pk=pointing[0].pk).ticket_id == later[0].pk


def _same(fast, slow) -> None:
    """Two unsaved instances hold the same attributes (in the same order), state and cache."""
    fields = {k: v for k, v in vars(fast).items() if k != "_state"}
    expected = {k: v for k, v in vars(slow).items() if k != "_state"}
    assert list(fields) == list(expected)
    assert fields == expected
    state, expected_state = vars(fast._state), vars(slow._state)
    assert state.keys() == expected_state.keys()
    assert (fast._state.db, fast._state.adding) == (slow._state.db, slow._state.adding)
    cached = {k: id(v) if v is not None else None for k, v in fast._state.fields_cache.items()}
    assert cached == {
        k: id(v) if v is not None else None for k, v in slow._state.fields_cache.items()
    }


def test_instance_new_builds_what_the_constructor_builds(queues):
    contact = Contact.objects.create(name="Ana", email="ana@x.co")
    values = {
        "reference": "T-FAST1",
        "subject": "Sin señal",
        "queue": queues["technical"],
        "category": "data",
        "channel": "email",
        "contact": contact,
        "incident": None,
        "triage_reasons": ["señal"],
        "last_seq": 2,
        "last_customer_message_at": datetime(2026, 11, 23, 4, 5, tzinfo=UTC),
    }
    fast, slow = instance_new(Ticket, **values), Ticket(**values)
    _same(fast, slow)
    assert fast.queue is queues["technical"] and fast.queue_id == queues["technical"].pk
    assert fast.status == "new" and fast.sla_state == "running" and fast.pk is None
    # Defaults that are callables give every instance its own value, as the constructor does.
    bare = [instance_new(Ticket, reference="T-A"), instance_new(Ticket, reference="T-B")]
    _same(bare[0], Ticket(reference="T-A"))
    assert bare[0].triage_reasons == [] and bare[0].triage_reasons is not bare[1].triage_reasons

    # A relation to an unsaved instance: the id stays empty, the instance is cached, and both
    # sides get the database the descriptor gives them.
    for build in (instance_new, lambda model, **kw: model(**kw)):
        parent = Ticket(reference="T-PARENT", queue=queues["billing"], contact=contact)
        parent._state.db = None
        child = build(Message, ticket=parent, seq=1, author_kind="customer", text="hola")
        assert child.ticket is parent and child.ticket_id is None
        assert (child._state.db, parent._state.db) == ("default", "default")
    parent = Ticket(reference="T-P2", queue=queues["billing"], contact=contact)
    message = {"ticket": parent, "seq": 2, "author_kind": "system", "automatic": True}
    _same(instance_new(Message, **message), Message(**message))
    event = {"ticket": parent, "kind": "created", "actor": None, "data": {"a": 1}}
    _same(instance_new(TicketEvent, **event), TicketEvent(**event))

    # Saved and written like any instance.
    instances_insert([fast])
    assert Ticket.objects.get(pk=fast.pk).queue_id == queues["technical"].pk


def test_instance_new_leaves_the_unusual_to_the_constructor(queues):
    with pytest.raises(TypeError, match="unexpected keyword"):
        instance_new(Ticket, reference="T-X", nonsense=1)
    with pytest.raises(ValueError, match="must be a"):
        instance_new(Message, ticket=queues["technical"], seq=1)
    assert instance_new(Message, ticket_id=7, seq=1).ticket_id == 7  # by attname, an id
