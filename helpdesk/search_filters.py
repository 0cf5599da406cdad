"""A parsed search (helpdesk/search.py) as a ticket filter, index-backed on both databases.

Words are matched against `helpdesk_fold(subject)` and the contact's `helpdesk_fold(name)`:
upper case without accents. On PostgreSQL `helpdesk_fold` is an immutable SQL function over
`unaccent` and both expressions carry a trigram (pg_trgm) GIN index, so `LIKE '%WORD%'` stays
fast at a million tickets (migration 0003). A message's text is matched by its words
(`helpdesk_words_match`, a word's start: "recarg" finds "recargas"), through a text-search GIN
index on PostgreSQL (migration 0004). On SQLite the same names are Python functions
registered on every connection (`fold_register`).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Lower

from helpdesk.models import Contact, Message, Ticket
from helpdesk.planning import planned_each_time
from helpdesk.search import Search, fold, words_match, words_query

# Up to this many contacts' ids are listed in the ticket query; more stay a subquery.
MAX_CONTACTS = 500
# Up to this many messages' tickets are listed; a word more messages hold is checked on each
# ticket's own messages.
MAX_MESSAGES = 1000
# A word PostgreSQL expects in more messages than this is not listed at all.
COMMON_ESTIMATE = 5 * MAX_MESSAGES


class Fold(Func):
    function = "helpdesk_fold"
    output_field = TextField()


class WordsMatch(Func):
    """`text` holds the words of a `words_query`."""

    function = "helpdesk_words_match"
    arity = 2
    output_field = BooleanField()


def search_filter(queryset: QuerySet[Ticket], search: Search) -> QuerySet[Ticket]:
    """Only the tickets `search` finds (all of them for an empty search)."""
    if search.kind == "reference":
        return queryset.filter(reference=search.value)
    if search.kind == "email":
        # `email <> ''` lets PostgreSQL use the partial unique index on lower(email).
        contacts = Contact.objects.exclude(email="").alias(address=Lower("email"))
        return queryset.filter(contact__in=contacts.filter(address=search.value).values("pk"))
    folded = queryset.alias(subject_folded=Fold("subject"), name_folded=Fold("contact__name"))
    if search.kind == "phone":
        # The line's contacts listed, as for names: under the OR a subquery would walk tickets.
        on_line = Contact.objects.filter(phone=search.value).order_by()
        ids = list(on_line.values_list("pk", flat=True)[:MAX_CONTACTS])
        return folded.filter(Q(contact_id__in=ids) | _words(search.terms))
    if search.kind == "text":
        return folded.filter(_words(search.terms))
    return queryset


def _words(terms: tuple[str, ...]) -> Q:
    """Every word in the subject, the contact's name or a message, each on its own: "nahui
    senal" finds Lucía Ñahui's "Sin señal" ticket, "nahui folio 4412" her message about it."""
    matches = Q()
    for term in terms:
        ids = _contacts_named(term)
        in_name = Q(name_folded__contains=term) if ids is None else Q(contact_id__in=ids)
        matches &= Q(subject_folded__contains=term) | in_name | _in_messages(term)
    return matches


def _in_messages(term: str) -> Q:
    """Tickets with a message holding `term`. Their ids are read first (an index scan, listed
    in the ticket query like the contacts); a word in more than MAX_MESSAGES messages is
    checked on each ticket's own messages as the page is read, which such a common word
    fills soon."""
    query = Value(words_query(term))
    written = Message.objects.order_by().filter(WordsMatch("text", query))
    if _rows_estimated(written) <= COMMON_ESTIMATE:
        ticket_ids = list(written.values_list("ticket_id", flat=True)[: MAX_MESSAGES + 1])
        if len(ticket_ids) <= MAX_MESSAGES:
            return Q(pk__in=sorted(set(ticket_ids)))
    return Q(Exists(written.filter(ticket_id=OuterRef("pk"))))


def search_hits_read(ticket_ids: list[int], search: Search) -> dict[int, str]:
    """For a page of found tickets, the newest message of each that holds one of the searched
    words (its text, to show where it matched); tickets found by subject or name only are left
    out. One statement: a subquery per ticket walks that ticket's messages newest first."""
    if search.kind not in ("text", "phone") or not search.terms or not ticket_ids:
        return {}
    holds = Q()
    for term in search.terms:
        holds |= Q(WordsMatch("text", Value(words_query(term))))
    newest = (
        Message.objects.filter(ticket_id=OuterRef("pk"))
        .filter(holds)
        .order_by("-seq")
        .values("text")[:1]
    )
    found = (
        Ticket.objects.filter(pk__in=ticket_ids)
        .order_by()
        .annotate(hit=Subquery(newest))
        .values_list("pk", "hit")
    )
    with planned_each_time():
        return {pk: hit for pk, hit in found if hit}


def _rows_estimated(queryset: QuerySet[Any]) -> float:
    """PostgreSQL's estimate of the rows `queryset` returns (0 elsewhere). Listing a word that
    a million messages hold reads its whole index entry (about 15 ms) only to find it is too
    many; the planner's statistics tell that at once. A wrong estimate costs time, never
    results: both ways find the same tickets."""
    if connection.vendor != "postgresql":
        return 0
    plan = json.loads(queryset.explain(format="json"))
    return float(plan[0]["Plan"]["Plan Rows"])


def _contacts_named(term: str) -> list[int] | None:
    """The ids of the contacts whose name holds `term`, read first: `contact_id IN (a list)`
    lets PostgreSQL OR two index scans together (where `IN (a subquery)` under an OR walks the
    table, folding every name). None for a word more than MAX_CONTACTS names share: the
    ticket's own contact row (joined anyway) is checked instead, which costs a fold per ticket
    the other words leave, and a word that common meets a page of tickets soon on its own."""
    named = Contact.objects.alias(folded=Fold("name")).filter(folded__contains=term)
    ids = list(named.order_by().values_list("pk", flat=True)[: MAX_CONTACTS + 1])
    return ids if len(ids) <= MAX_CONTACTS else None


def _fold_or_none(value: Any) -> str | None:
    return None if value is None else fold(str(value))


def _words_match_or_none(text: Any, query: Any) -> bool | None:
    return None if text is None or query is None else words_match(str(text), str(query))


def fold_register(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: give SQLite the `helpdesk_fold` and
    `helpdesk_words_match` PostgreSQL has."""
    if connection.vendor == "sqlite":
        raw = connection.connection
        raw.create_function("helpdesk_fold", 1, _fold_or_none, deterministic=True)
        raw.create_function("helpdesk_words_match", 2, _words_match_or_none, deterministic=True)
