"""Agent search on PostgreSQL: the folded words are found through the trigram indexes, the
words of messages through their text-search index, and SQL reads them as Python does.

Not in the core suite: the indexes (and unaccent) exist on PostgreSQL only."""

import pytest
from django.db import connection
from django.db.models import Value

from helpdesk.models import Contact, Message, Ticket
from helpdesk.search import fold, search_parse, words_match, words_query
from helpdesk.search_filters import Fold, WordsMatch, search_filter
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


@pytest.mark.django_db
@pytest.mark.usefixtures("tickets")
def test_message_words_use_their_index_on_postgres():
    written = Message.objects.filter(WordsMatch("text", Value(words_query("RECARGA"))))
    assert "message_words" in explain(written.values("ticket_id"))


@pytest.mark.django_db
def test_postgres_reads_message_words_as_the_sqlite_function_does():
    """helpdesk_words_match in SQL and words_match in Python (SQLite) agree."""
    texts = [
        "No me llegó la RECARGA de $5.000 folio TRX-88213",
        "Señal débil en Coyoacán; 4G sin datos",
        "pago_doble 12/03 ana@correo.mx",
        "",
    ]
    terms = [
        "recarga",
        "recarg",
        "5.000",
        "5000",
        "000",
        "88213",
        "trx-8821",
        "senal",
        "acan",
        "4g",
        "datos",
        "pago",
        "doble",
        "12/03",
        "ana@correo",
        "correo.mx",
    ]
    with connection.cursor() as cursor:
        for text in texts:
            for term in terms:
                query = words_query(fold(term))
                cursor.execute("SELECT helpdesk_words_match(%s, %s)", [text, query])
                assert cursor.fetchone()[0] is words_match(text, query), (text, term)
