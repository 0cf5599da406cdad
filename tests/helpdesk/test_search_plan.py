"""Agent search on PostgreSQL: the folded words are found through the trigram indexes.

Not in the core suite: the indexes (and unaccent) exist on PostgreSQL only."""

import pytest
from django.db import connection

from helpdesk.models import Contact, Ticket
from helpdesk.search import search_parse
from helpdesk.search_filters import Fold, search_filter
from tests.helpdesk.test_search import tickets  # noqa: F401 - the shared fixture


def explain(queryset):
    with connection.cursor() as cursor:
        # A tiny table would be scanned anyway, whatever indexes it has: with plain scans off,
        # only bitmap scans remain, which exist only where an index can answer the condition.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
@pytest.mark.usefixtures("tickets")
def test_word_search_can_use_the_trigram_indexes_on_postgres():
    assert connection.vendor == "postgresql", "runs in the PostgreSQL suite only (not core)"
    names = Contact.objects.alias(name_folded=Fold("name")).filter(name_folded__contains="NUNEZ")
    assert "contact_name_fold_trgm" in explain(names)
    # "nunez" matches a contact: subject index OR the contact's tickets, two index scans.
    plan = explain(search_filter(Ticket.objects.all(), search_parse("nunez")))
    assert "ticket_subject_fold_trgm" in plan and "BitmapOr" in plan, plan
