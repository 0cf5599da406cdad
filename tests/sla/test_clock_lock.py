"""A ticket's lock statement that also locks and reads its SLA clock (`clocks=True`): the clock
handed to the next `clocks_of` equals the one `clocks_of` would read, and is handed over once."""

from datetime import UTC, datetime

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from helpdesk.services.timeline import ticket_lock_next, tickets_lock_next
from helpdesk.sla.clocks import CLOCK_FIELDS, clocks_of
from helpdesk.sla.models import TicketClock
from tests.sla.helpers import policy, ticket_open

pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def _fields(clock: TicketClock) -> dict:
    return {name: getattr(clock, name) for name in ["ticket_id", *CLOCK_FIELDS]}


@pytest.mark.parametrize("several", [False, True], ids=["one", "several"])
def test_the_clock_read_with_the_lock_equals_the_clock_read_alone(queues, several):
    policy(name="tec", first_response_minutes=60, next_response_minutes=30)
    with_clock = [ticket_open(queues["technical"], at=NOW) for _ in range(2 if several else 1)]
    without = ticket_open(queues["billing"], at=NOW)
    TicketClock.objects.filter(ticket=without).delete()
    ids = [t.pk for t in [*with_clock, without]] if several else [with_clock[0].pk]
    with transaction.atomic():
        alone = clocks_of([t for t in [*with_clock, without] if t.pk in ids])
        expected = {pk: _fields(clock) for pk, clock in alone.items()}
        expected_loaded = {pk: clock.loaded_values for pk, clock in alone.items()}
    with transaction.atomic():
        with CaptureQueriesContext(connection) as locking:
            if several:
                tickets = tickets_lock_next({pk: 1 for pk in ids}, now=NOW, clocks=True)
            else:
                tickets = {ids[0]: ticket_lock_next(ids[0], now=NOW, clock=True)}
        with CaptureQueriesContext(connection) as reading:
            handed = clocks_of(tickets.values())
        with CaptureQueriesContext(connection) as again:
            reread = clocks_of(tickets.values())
    assert {pk: _fields(clock) for pk, clock in handed.items()} == expected
    assert {pk: clock.loaded_values for pk, clock in handed.items()} == expected_loaded
    assert all(clock.policy.name == "tec" for clock in handed.values())
    assert {pk: _fields(clock) for pk, clock in reread.items()} == expected
    before = {t.pk: t.last_seq for t in [*with_clock, without]}
    assert {pk: t.last_seq for pk, t in tickets.items()} == {pk: before[pk] + 1 for pk in ids}
    assert not any(name.startswith("sla_clock__") for t in tickets.values() for name in vars(t))
    if connection.vendor == "postgresql":
        # (the queues come from the process snapshot, which the test may load here)
        statements = [q for q in locking.captured_queries if "helpdesk_queue" not in q["sql"]]
        assert len(statements) == (2 if several else 1)  # the clocks came with the tickets
        assert len(reading) == 0  # handed over: nothing read
        assert len(again) == 1  # once only: a second look reads them
    else:
        # No row locks elsewhere: read as before.
        assert any("sla_ticketclock" in q["sql"] for q in reading.captured_queries)
