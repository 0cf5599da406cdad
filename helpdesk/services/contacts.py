"""Finding or creating the customer behind an inbound message."""

from __future__ import annotations

import phonenumbers
from django.db import connection
from django.db.models.functions import Lower
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


def _contact_insert(*, name: str, email: str, phone: str, language: str) -> Contact | None:
    """INSERT that yields to a concurrent insert of the same address (None then), in one
    statement: no savepoint round trips on the hot intake path."""
    table = connection.ops.quote_name(Contact._meta.db_table)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, email, phone, language, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING id",
            [name, email, phone, language, now],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    contact = Contact(
        id=row[0], name=name, email=email, phone=phone, language=language, created_at=now
    )
    contact._state.adding = False
    return contact


def contact_find_or_create(
    *, name: str = "", email: str = "", phone: str = "", language: str = "es"
) -> Contact:
    """The contact with this email (case-insensitive), created if new; fills a missing name/phone.

    Safe under concurrent intake: a unique-constraint race re-reads the winner's row.
    """
    email = (email or "").strip().lower()
    phone = phone_normalize(phone)
    name = (name or "").strip()[:200]
    if email:
        # Lower("email") with the non-empty condition matches the partial unique index
        # exactly; `email__iexact` (UPPER) would scan the whole table.
        by_email = Contact.objects.annotate(email_key=Lower("email")).exclude(email="")
        contact = by_email.filter(email_key=email).first()
        if contact is None:
            created = _contact_insert(name=name, email=email, phone=phone, language=language)
            if created is not None:
                return created
            contact = by_email.get(email_key=email)  # a concurrent intake created it first
        changed = []
        if name and not contact.name:
            contact.name = name
            changed.append("name")
        if phone and not contact.phone:
            contact.phone = phone
            changed.append("phone")
        if changed:
            contact.save(update_fields=changed)
        return contact
    if phone and (by_phone := Contact.objects.filter(phone=phone, email="").first()):
        return by_phone
    return Contact.objects.create(name=name, phone=phone, language=language)
