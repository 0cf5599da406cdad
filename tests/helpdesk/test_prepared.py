"""PostgreSQL connections prepare the statements they repeat (DB_PREPARE_THRESHOLD)."""

import pytest
from django.db import connection, transaction
from django.utils import timezone

from helpdesk.services.intake import Inbound, intake_receive
from helpdesk.services.timeline import ticket_lock_next

pytestmark = [pytest.mark.django_db]


def _prepared(*patterns: str) -> int:
    """How many statements this connection prepared whose text matches every LIKE pattern."""
    where = " AND ".join(["statement LIKE %s"] * len(patterns))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM pg_prepared_statements WHERE {where}", patterns)  # noqa: S608
        return int(cursor.fetchone()[0])


def _prepared_locks() -> int:
    return _prepared("UPDATE%", "%last_seq = last_seq +%")


def test_the_ticket_lock_is_prepared_after_a_few_runs_and_still_numbers_in_order(queues):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    ticket = intake_receive(Inbound(channel="chat", email="p@d.co", text="Sin señal")).ticket
    before = _prepared_locks()
    seqs = []
    with transaction.atomic():
        for _ in range(8):
            seqs.append(ticket_lock_next(ticket.pk, now=timezone.now()).last_seq)
    assert _prepared_locks() == before + 1
    # The prepared statement takes new parameters each time: the numbers keep counting.
    assert seqs == list(range(seqs[0], seqs[0] + 8))


def test_the_chat_turn_check_is_one_statement_for_any_batch_size(queues, agent):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    from channels_chat.selectors import agent_turns_read

    for size in (1, 2, 3, 1, 4, 2, 5):
        turns = agent_turns_read([(0, agent)] * size, [f"a:x{n}" for n in range(size)])
        assert turns == [None] * size  # no such conversation
    # Seven runs of five batch sizes: one text, prepared once (per size, none would be).
    assert _prepared("%helpdesk_queue_members%", "%unnest(%") == 1
