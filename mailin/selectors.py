"""Database reads for the mail channel. Every lookup is by an indexed column, so the cost per
message stays flat as the number of stored messages grows."""

from __future__ import annotations

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
    keys = thread_keys(parsed)
    by_message_id: dict[str, int] = {}
    if keys.message_ids:
        rows = (
            Message.objects.filter(email_message_id__in=keys.message_ids)
            .exclude(ticket__status=Status.CLOSED)
            .order_by()
            .values_list("email_message_id", "ticket_id")
        )
        by_message_id = {mid: tid for mid, tid in rows if mid}
        if by_message_id:
            return thread_choose(keys, by_message_id, None)
    by_reference = None
    if keys.reference:
        by_reference = (
            Ticket.objects.filter(reference=keys.reference)
            .exclude(status=Status.CLOSED)
            .values_list("id", flat=True)
            .first()
        )
        if by_reference is not None:
            return thread_choose(keys, {}, by_reference)
    recent: list[RecentTicket] = []
    window = subject_window()
    if keys.sender and keys.subject_key and window.total_seconds() > 0:
        # Contact first, through its unique lower(email) index (the partial condition
        # email <> '' is repeated so the planner may use it); then that contact's tickets by
        # the contact_id index. Two small lookups whose cost does not grow with the number of
        # tickets, even when thousands were opened inside the window.
        contact_id = (
            Contact.objects.annotate(lower_email=Lower("email"))
            .filter(lower_email=keys.sender)
            .exclude(email="")
            .values_list("id", flat=True)
            .first()
        )
        if contact_id is not None:
            recent_rows = (
                Ticket.objects.filter(
                    contact_id=contact_id,
                    channel=Channel.EMAIL,
                    created_at__gte=timezone.now() - window,
                )
                .exclude(status=Status.CLOSED)
                .order_by("-created_at")
                .values_list("id", "subject")[:20]
            )
            recent = [RecentTicket(tid, subject_normalize(subject)) for tid, subject in recent_rows]
    return thread_choose(keys, by_message_id, by_reference, recent)


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
