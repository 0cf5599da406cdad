"""A parsed search (helpdesk/search.py) as a ticket filter, index-backed on both databases.

Words are matched against `helpdesk_fold(subject)` and the contact's `helpdesk_fold(name)`:
upper case without accents. On PostgreSQL `helpdesk_fold` is an immutable SQL function over
`unaccent` and both expressions carry a trigram (pg_trgm) GIN index, so `LIKE '%WORD%'` stays
fast at a million tickets (migration 0003). On SQLite the same name is a Python function
registered on every connection (`fold_register`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Func, Q, QuerySet, TextField
from django.db.models.functions import Lower

from helpdesk.models import Contact, Ticket
from helpdesk.search import Search, fold

# Up to this many contacts' ids are listed in the ticket query; more stay a subquery.
MAX_CONTACTS = 500


class Fold(Func):
    function = "helpdesk_fold"
    output_field = TextField()


def search_filter(queryset: QuerySet[Ticket], search: Search) -> QuerySet[Ticket]:
    """Only the tickets `search` finds (all of them for an empty search)."""
    if search.kind == "reference":
        return queryset.filter(reference=search.value)
    if search.kind == "email":
        # `email <> ''` lets PostgreSQL use the partial unique index on lower(email).
        contacts = Contact.objects.exclude(email="").alias(address=Lower("email"))
        return queryset.filter(contact__in=contacts.filter(address=search.value).values("pk"))
    if search.kind == "phone":
        return queryset.filter(contact__in=Contact.objects.filter(phone=search.value).values("pk"))
    if search.kind == "text":
        return queryset.alias(
            subject_folded=Fold("subject"), name_folded=Fold("contact__name")
        ).filter(_words(search.terms))
    return queryset


def _words(terms: tuple[str, ...]) -> Q:
    """Every word in the subject or in the contact's name, each on its own: "nahui senal" finds
    Lucía Ñahui's "Sin señal" ticket."""
    matches = Q()
    for term in terms:
        ids = _contacts_named(term)
        in_name = Q(name_folded__contains=term) if ids is None else Q(contact_id__in=ids)
        matches &= Q(subject_folded__contains=term) | in_name
    return matches


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


def fold_register(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: give SQLite the `helpdesk_fold` PostgreSQL has."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("helpdesk_fold", 1, _fold_or_none, deterministic=True)
