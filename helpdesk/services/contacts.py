"""Finding or creating the customer behind an inbound message."""

from __future__ import annotations

import phonenumbers
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

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
            try:
                with transaction.atomic():
                    return Contact.objects.create(
                        name=name, email=email, phone=phone, language=language
                    )
            except IntegrityError:
                contact = by_email.get(email_key=email)
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
    if phone:
        contact = Contact.objects.filter(phone=phone, email="").first()
        if contact:
            return contact
    return Contact.objects.create(name=name, phone=phone, language=language)
