"""Database reads for the mail channel. Every lookup is by an indexed column, so the cost per
message stays flat as the number of stored messages grows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.db.models.functions import Lower
from django.utils import timezone

from helpdesk.models import Channel, Contact, Message, Status, Ticket
from mailin.matching import RecentTicket, ThreadKeys, ThreadMatch, subject_normalize, thread_choose
from mailin.parsing import ParsedEmail


def subject_window() -> timedelta:
    return timedelta(minutes=getattr(settings, "MAILIN_SUBJECT_WINDOW_MINUTES", 30))


def thread_keys(parsed: ParsedEmail) -> ThreadKeys:
    return ThreadKeys(
        message_ids=parsed.thread_ids[:50],
        reference=parsed.ticket_ref,
        sender=parsed.sender,
        subject_key=subject_normalize(parsed.subject),
    )


def thread_find(parsed: ParsedEmail) -> ThreadMatch:
    """The ticket `parsed` continues (a closed ticket is not continued: mail opens a new one)."""
    return threads_find([parsed])[0]


def threads_find(batch: Sequence[ParsedEmail]) -> list[ThreadMatch]:
    """`thread_find` for several messages with at most four queries for the lot.

    The messages must not depend on each other (none answers another of the batch, no two
    from one sender): the mail service splits its batches so.
    """
    keys = [thread_keys(parsed) for parsed in batch]
    message_ids = {mid for k in keys for mid in k.message_ids}
    by_message_id: dict[str, int] = {}
    if message_ids:
        rows = (
            Message.objects.filter(email_message_id__in=message_ids)
            .exclude(ticket__status=Status.CLOSED)
            .order_by()
            .values_list("email_message_id", "ticket_id")
        )
        by_message_id = {mid: tid for mid, tid in rows if mid}
    references = {
        k.reference
        for k in keys
        if k.reference and not any(mid in by_message_id for mid in k.message_ids)
    }
    by_reference: dict[str, int] = {}
    if references:
        by_reference = dict(
            Ticket.objects.filter(reference__in=references)
            .exclude(status=Status.CLOSED)
            .values_list("reference", "id")
        )
    # Same sender and subject within the window, for those the first two did not place.
    window = subject_window()
    senders = {
        k.sender
        for k in keys
        if k.sender
        and k.subject_key
        and window.total_seconds() > 0
        and not any(mid in by_message_id for mid in k.message_ids)
        and (k.reference or "") not in by_reference
    }
    recent: dict[str, list[RecentTicket]] = {}
    if senders:
        # Contacts through their unique lower(email) index (the partial condition email <> ''
        # repeated so the planner may use it), then their tickets by the contact_id index:
        # lookups whose cost does not grow with the number of tickets.
        contacts = dict(
            Contact.objects.annotate(lower_email=Lower("email"))
            .filter(lower_email__in=senders)
            .exclude(email="")
            .values_list("id", "lower_email")
        )
        if contacts:
            recent_rows = (
                Ticket.objects.filter(
                    contact_id__in=contacts,
                    channel=Channel.EMAIL,
                    created_at__gte=timezone.now() - window,
                )
                .exclude(status=Status.CLOSED)
                .order_by("-created_at")
                .values_list("contact_id", "id", "subject")[: 20 * len(contacts)]
            )
            for contact_id, ticket_id, subject in recent_rows:
                recent.setdefault(contacts[contact_id], []).append(
                    RecentTicket(ticket_id, subject_normalize(subject))
                )
    return [
        thread_choose(
            k,
            {mid: by_message_id[mid] for mid in k.message_ids if mid in by_message_id},
            by_reference.get(k.reference or ""),
            recent.get(k.sender, []),
        )
        for k in keys
    ]


def outgoing_message_find(message_id: str) -> Message | None:
    """One of our outgoing messages by its Message-ID (what a bounce reports)."""
    if not message_id:
        return None
    return (
        Message.objects.select_related("ticket")
        .filter(email_message_id=message_id)
        .exclude(author_kind="customer")
        .first()
    )
