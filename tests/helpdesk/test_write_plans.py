"""Batched writes find their rows by primary key, also in a small table.

`rows_write` sends a table's changed rows as one JSON document, which PostgreSQL estimates at
100 rows whatever it holds. Joined on the key alone, the planner read every row of a table of
a few hundred (and a prepared statement kept that plan): each chat turn's SLA write scanned the
clocks and the tickets. The test reads the plan.
"""

import json

import pytest
from django.db import connection

from helpdesk.models import Contact, Ticket
from helpdesk.rows import _update_plan

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def tickets(queues):
    if connection.vendor != "postgresql":
        pytest.skip("the plans are PostgreSQL's")
    contact = Contact.objects.create(name="Plan", email="plan@example.com")
    rows = Ticket.objects.bulk_create(
        Ticket(reference=f"PL{n:06d}", queue=queues["technical"], contact=contact, channel="chat")
        for n in range(600)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE helpdesk_ticket")
    return rows


def _generic_plan(sql: str, params: list) -> str:
    """The plan PostgreSQL keeps for a prepared statement (parameters unknown)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_row_update_looks_its_rows_up_by_key(tickets):
    sql, key, fields = _update_plan(Ticket, ("sla_state", "sla_due_at"))
    document = json.dumps([{key: tickets[7].pk, "sla_state": "met", "sla_due_at": None}])
    plan = _generic_plan(sql, [document, [tickets[7].pk]])
    assert "Seq Scan on helpdesk_ticket" not in plan, plan
    assert "helpdesk_ticket_pkey" in plan, plan
