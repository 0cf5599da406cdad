"""Finding or creating the customer behind an inbound message."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import phonenumbers
from django.db import connection
from django.utils import timezone

from helpdesk.models import Contact

DEFAULT_REGION = "MX"


def phone_normalize(raw: str, region: str = DEFAULT_REGION) -> str:
    """E.164 when the number parses as possible, else the digits as given ('' for nothing)."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return "".join(ch for ch in raw if ch.isdigit() or ch == "+")[:20]
    if phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return "".join(ch for ch in raw if ch.isdigit() or ch == "+")[:20]


@dataclass(frozen=True)
class ContactDraft:
    name: str = ""
    email: str = ""
    phone: str = ""
    language: str = "es"


def contacts_upsert(drafts: Sequence[ContactDraft]) -> dict[str, Contact]:
    """The contacts of these email addresses by lower-cased address, in one statement.

    INSERT ... ON CONFLICT on the unique lower(email) index: new addresses are created, known
    ones keep their data and only get a missing name or phone filled in. Safe under concurrent
    intake (the database serialises the conflict). Drafts without an address are ignored.
    """
    rows: dict[str, ContactDraft] = {}
    for draft in drafts:
        email = (draft.email or "").strip().lower()
        if email and email not in rows:  # one row per address: the first draft wins
            rows[email] = draft
    if not rows:
        return {}
    table = connection.ops.quote_name(Contact._meta.db_table)
    now = timezone.now()
    params: list[Any] = []
    for email, draft in rows.items():
        name = (draft.name or "").strip()[:200]
        params += [name, email, phone_normalize(draft.phone), draft.language or "es", now]
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, email, phone, language, created_at) "  # noqa: S608
            f"VALUES {values} ON CONFLICT (lower(email)) WHERE NOT (email = '') DO UPDATE SET "
            f"name = CASE WHEN {table}.name = '' THEN excluded.name ELSE {table}.name END, "
            f"phone = CASE WHEN {table}.phone = '' THEN excluded.phone ELSE {table}.phone END "
            "RETURNING id, name, email, phone, language, created_at",
            params,
        )
        found = cursor.fetchall()
    result = {}
    for pk, name, email, phone, language, created_at in found:
        contact = Contact(
            id=pk, name=name, email=email, phone=phone, language=language, created_at=created_at
        )
        contact._state.adding = False
        result[email.lower()] = contact
    return result


def contact_find_or_create(
    *, name: str = "", email: str = "", phone: str = "", language: str = "es"
) -> Contact:
    """The contact with this email (case-insensitive), created if new; fills a missing name/phone.

    Safe under concurrent intake: the address goes through `contacts_upsert`.
    """
    email = (email or "").strip().lower()
    phone = phone_normalize(phone)
    name = (name or "").strip()[:200]
    if email:
        return contacts_upsert([ContactDraft(name, email, phone, language)])[email]
    if phone and (by_phone := Contact.objects.filter(phone=phone, email="").first()):
        return by_phone
    return Contact.objects.create(name=name, phone=phone, language=language)
