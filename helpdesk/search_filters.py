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

# A word that matches more customers' names than this is too common to list them all: the
# tickets of the first MAX_CONTACTS of them are found (and every ticket whose subject matches).
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
        subject = Q()
        name = Q()
        for term in search.terms:
            subject &= Q(subject_folded__contains=term)
            name &= Q(name_folded__contains=term)
        # The matching contacts are read first: `contact_id IN (a list)` lets PostgreSQL OR two
        # index scans together, where `IN (a subquery)` under an OR walks the whole table.
        contact_ids = list(
            Contact.objects.alias(name_folded=Fold("name"))
            .filter(name)
            .order_by()
            .values_list("pk", flat=True)[:MAX_CONTACTS]
        )
        matches = subject | Q(contact_id__in=contact_ids) if contact_ids else subject
        return queryset.alias(subject_folded=Fold("subject")).filter(matches)
    return queryset


def _fold_or_none(value: Any) -> str | None:
    return None if value is None else fold(str(value))


def fold_register(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: give SQLite the `helpdesk_fold` PostgreSQL has."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("helpdesk_fold", 1, _fold_or_none, deterministic=True)
