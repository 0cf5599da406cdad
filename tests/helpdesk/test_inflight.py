"""BEGIN in one flight with a transaction's first statement: one round trip, same transaction."""

import contextlib
import tempfile

import pytest
from django.db import DataError, connection, transaction

from helpdesk.inflight import begin_in_flight
from helpdesk.models import Message, Ticket
from helpdesk.services.intake import Inbound, intake_receive, intake_receive_many

pytestmark = [pytest.mark.django_db(transaction=True)]


def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the flight is PostgreSQL's (psycopg pipeline mode)")


@contextlib.contextmanager
def wire():
    """The frontend messages libpq sends meanwhile, as (type, text) pairs."""
    connection.ensure_connection()
    raw = connection.connection
    sent: list[tuple[str, str]] = []
    with tempfile.NamedTemporaryFile("w+") as trace:
        raw.pgconn.trace(trace.fileno())
        try:
            yield sent
        finally:
            raw.pgconn.untrace()
            trace.seek(0)
            for line in trace.read().splitlines():
                fields = line.split("\t")
                if len(fields) > 3 and fields[1] == "F":
                    sent.append((fields[3], "\t".join(fields[4:])))


def first_flight(sent: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """What went out before the client first waited for an answer (a Sync or a simple Query
    asks the server to answer)."""
    for index, (kind, _text) in enumerate(sent):
        if kind in ("Sync", "Query"):
            return sent[: index + 1]
    return sent


def scratch_table() -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS inflight_probe (n integer PRIMARY KEY)")
        cursor.execute("TRUNCATE inflight_probe")


def probe_rows() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM inflight_probe ORDER BY n")
        return [row[0] for row in cursor.fetchall()]


def test_begin_and_the_first_statement_share_one_round_trip():
    postgres_only()
    with wire() as sent, transaction.atomic(), connection.cursor() as cursor:
        with begin_in_flight():
            cursor.execute("SELECT %s::int + 1", [41])
        assert cursor.fetchone() == (42,)
        assert connection.connection.pgconn.transaction_status == 2  # INTRANS: begun
        cursor.execute("SELECT %s::int * 2", [21])
        assert cursor.fetchone() == (42,)
    flight = first_flight(sent)
    assert [kind for kind, _ in flight].count("Execute") == 2  # BEGIN and the statement
    assert flight[-1][0] == "Sync"
    assert not any(kind == "Query" for kind, _ in flight)
    assert any('"BEGIN"' in text for _kind, text in flight)


def test_without_the_flight_begin_waits_alone():
    """The plain path, for contrast: psycopg's BEGIN is a round trip of its own."""
    postgres_only()
    with wire() as sent, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT %s::int + 1", [41])
    (alone,) = first_flight(sent)
    assert alone[0] == "Query" and '"BEGIN"' in alone[1]


def test_the_flight_is_inside_the_transaction_that_rolls_back():
    postgres_only()
    scratch_table()
    with contextlib.suppress(RuntimeError), transaction.atomic():
        with connection.cursor() as cursor:
            with begin_in_flight():
                cursor.execute("INSERT INTO inflight_probe VALUES (%s)", [1])
            cursor.execute("INSERT INTO inflight_probe VALUES (%s)", [2])
        raise RuntimeError("the caller changes its mind")
    assert probe_rows() == []
    with transaction.atomic(), connection.cursor() as cursor, begin_in_flight():
        cursor.execute("INSERT INTO inflight_probe VALUES (%s)", [3])
    assert probe_rows() == [3]


def test_a_failing_first_statement_raises_djangos_error_and_writes_nothing():
    postgres_only()
    scratch_table()
    with (
        pytest.raises(DataError, match="division by zero"),
        transaction.atomic(),
        connection.cursor() as cursor,
        begin_in_flight(),
    ):
        cursor.execute("INSERT INTO inflight_probe VALUES (%s)", [1])
        cursor.execute("INSERT INTO inflight_probe VALUES (1 / %s)", [0])
    raw = connection.connection
    assert raw.pgconn.transaction_status == 0  # IDLE: rolled back, not left in error
    assert raw.autocommit and connection.get_autocommit()  # Django's state as before
    assert raw._pipeline is None
    assert probe_rows() == []
    # The connection is usable.
    with transaction.atomic(), connection.cursor() as cursor, begin_in_flight():
        cursor.execute("INSERT INTO inflight_probe VALUES (%s)", [4])
    assert probe_rows() == [4]


def test_outside_a_fresh_transaction_it_changes_nothing():
    """Autocommit, or a transaction already begun: the statement runs as it would alone."""
    scratch = connection.vendor == "postgresql"
    with connection.cursor() as cursor, begin_in_flight():
        cursor.execute("SELECT 7")
        assert cursor.fetchone() == (7,)  # read inside the block: no flight was opened
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        with begin_in_flight():
            cursor.execute("SELECT 8")
            assert cursor.fetchone() == (8,)
    if scratch:
        assert connection.connection._pipeline is None


def test_a_chat_line_to_an_open_ticket_sends_no_begin_of_its_own(queues):
    """The ticket lock of intake's transaction carries the BEGIN; the line is stored once."""
    postgres_only()
    ticket = intake_receive(Inbound(channel="chat", email="ana@d.co", text="Sin señal")).ticket
    line = Inbound(channel="chat", email="ana@d.co", text="sigo sin señal", ticket_id=ticket.pk)
    with wire() as sent:
        stored = intake_receive_many([line], look_up=False)
    assert [r.message.seq for r in stored] == [2]
    flight = first_flight(sent)
    assert any('"BEGIN"' in text for _kind, text in flight)
    assert any("helpdesk_ticket" in text for _kind, text in flight)  # the lock, same flight
    assert not any(kind == "Query" and '"BEGIN"' in text for kind, text in sent)
    assert list(Message.objects.filter(ticket=ticket).values_list("seq", flat=True)) == [1, 2]
    assert Ticket.objects.get(pk=ticket.pk).last_seq == 2
