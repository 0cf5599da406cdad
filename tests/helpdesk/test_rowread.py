"""`instances_read`: a plain cursor's rows become the instances `raw()` would build."""

from datetime import UTC, datetime

import pytest
from django.db import connection

from helpdesk.models import Contact, Ticket
from helpdesk.rowread import instances_read
from helpdesk.sla.models import TicketClock

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def _fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_rows_equal_what_raw_builds_with_extra_columns(queues):
    contact = Contact.objects.create(name="Ana", email="ana@x.co")
    ticket = Ticket.objects.create(
        reference="T-READ1",
        subject="Sin señal «casa»",
        queue=queues["technical"],
        channel="web",
        contact=contact,
        clarification=True,
        triage_confidence=0.5,
        triage_reasons=["señal", {"nested": [1, None, True]}],
        sla_due_at=datetime(2026, 11, 23, 4, 5, 6, 123456, tzinfo=UTC),
    )
    TicketClock.objects.create(ticket=ticket, targets={"first_response": {"state": "running"}})
    # Columns in another order than the model's, plus one that is not a field.
    sql = "SELECT 7 AS lucky, t.* FROM helpdesk_ticket t WHERE t.reference = %s"
    expected = list(Ticket.objects.raw(sql, ["T-READ1"]))
    for _ in range(2):  # the second read uses the kept mapping
        with connection.cursor() as cursor:
            cursor.execute(sql, ["T-READ1"])
            read = instances_read(Ticket, cursor)
        assert [_fields(t) for t in read] == [_fields(t) for t in expected]
        assert read[0].triage_reasons == ["señal", {"nested": [1, None, True]}]
        assert read[0].sla_due_at == datetime(2026, 11, 23, 4, 5, 6, 123456, tzinfo=UTC)
        assert read[0].lucky == 7
        assert read[0]._state.adding is False and read[0]._state.db == "default"

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM sla_ticketclock WHERE ticket_id = %s", [ticket.pk])
        (clock,) = instances_read(TicketClock, cursor)
    assert clock.targets == {"first_response": {"state": "running"}}
    assert clock.ticket_id == ticket.pk


def test_a_partial_row_leaves_the_other_fields_deferred(queues):
    contact = Contact.objects.create(name="Ana", email="ana@x.co")
    ticket = Ticket.objects.create(
        reference="T-READ2", subject="Cobro doble", queue=queues["billing"], contact=contact
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, subject FROM helpdesk_ticket WHERE id = %s", [ticket.pk])
        (read,) = instances_read(Ticket, cursor)
    assert read.subject == "Cobro doble"
    assert "reference" in read.get_deferred_fields()
    assert read.reference == "T-READ2"  # loaded on first use, as the ORM does
