"""Outbound email: composition with threading headers, and the durable send job.

The job is enqueued inside the transaction that records the message, so a committed reply
always has its job and a rolled-back one never sends.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Sequence
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from helpdesk.models import DeliveryStatus, Message
from helpdesk.services.acknowledgements import tracking_url
from mailin.composing import OutgoingEmail, email_build

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(minutes=30)


def message_id_new(reference: str) -> str:
    return f"<{reference}.{secrets.token_hex(8)}@{settings.HELPDESK_EMAIL_DOMAIN}>"


def email_enqueue(message: Message) -> None:
    """Give `message` a Message-ID, mark it pending and enqueue its send job (same transaction)."""
    if not message.email_message_id or message.delivery_status != DeliveryStatus.PENDING:
        message.email_message_id = message.email_message_id or message_id_new(
            message.ticket.reference
        )
        message.delivery_status = DeliveryStatus.PENDING
        message.save(update_fields=["email_message_id", "delivery_status"])
    message_email_send.enqueue(message.pk)


def emails_enqueue(messages: Sequence[Message]) -> None:
    """`email_enqueue` for several messages created with their delivery fields (see
    `delivery_prefill`): one job row for the lot, which the worker splits into one send job per
    message (each with its own retries). Same transaction as the messages."""
    ready = []
    for message in messages:
        if message.email_message_id and message.delivery_status == DeliveryStatus.PENDING:
            ready.append(message.pk)
        else:
            email_enqueue(message)  # fields written, job enqueued
    if len(ready) == 1:
        message_email_send.enqueue(ready[0])
    elif ready:
        messages_email_fan_out.enqueue(ready)


def _thread_ids(message: Message) -> list[str]:
    ids = (
        Message.objects.filter(ticket_id=message.ticket_id, seq__lt=message.seq)
        .exclude(email_message_id=None)
        .order_by("seq")
        .values_list("email_message_id", flat=True)
    )
    return [i for i in ids if i]


def email_compose(message: Message) -> EmailMultiAlternatives:
    """The email for one outbound message (reads the ticket's thread and files)."""
    ticket = message.ticket
    files = []
    for attachment in message.attachments.filter(quarantined=False):
        with attachment.file.open("rb") as handle:
            files.append((attachment.filename, handle.read(), attachment.content_type))
    return email_build(
        OutgoingEmail(
            reference=ticket.reference,
            subject=ticket.subject,
            text=message.text,
            html=message.html,
            to=ticket.contact.email,
            from_email=settings.DEFAULT_FROM_EMAIL,
            message_id=message.email_message_id or message_id_new(ticket.reference),
            tracking_url=tracking_url(ticket),
            thread_ids=_thread_ids(message),
            automatic=message.automatic,
            files=files,
        )
    )


def backoff(attempt: int) -> timedelta:
    return min(timedelta(seconds=30 * 2 ** max(attempt - 1, 0)), MAX_BACKOFF)


MAX_ATTEMPTS = 12  # about six hours of retries with the backoff above


@task()
def messages_email_fan_out(message_ids: list[int]) -> int:
    """One send job per message (enqueued together by `emails_enqueue`); returns how many."""
    with transaction.atomic():
        for message_id in message_ids:
            message_email_send.enqueue(message_id)
    return len(message_ids)


@task()
def message_email_send(message_id: int) -> str:
    """Send one outbound message by SMTP exactly once; on failure retry later with backoff.

    The message row is locked while sending, so two workers running the same job never both
    send it; a message already sent is skipped. After MAX_ATTEMPTS it stays `failed` (visible
    to agents and operators) and a new job can be enqueued from the admin.
    """
    with transaction.atomic():
        message = (
            Message.objects.select_for_update().select_related("ticket__contact").get(pk=message_id)
        )
        if message.delivery_status == DeliveryStatus.SENT:
            return "already-sent"
        attempts = message.delivery_attempts + 1
        try:
            email_compose(message).send(fail_silently=False)
        except Exception as exc:  # any SMTP or network failure: record, retry later
            retry = attempts < MAX_ATTEMPTS
            Message.objects.filter(pk=message.pk).update(
                delivery_attempts=attempts,
                delivery_error=f"{type(exc).__name__}: {exc}"[:1000],
                delivery_status=DeliveryStatus.PENDING
                if retry and attempts < 3
                else DeliveryStatus.FAILED,
            )
            if retry:
                message_email_send.using(run_after=timezone.now() + backoff(attempts)).enqueue(
                    message.pk
                )
            log.warning("email for message %s failed (attempt %s): %s", message.pk, attempts, exc)
            return "retry" if retry else "gave-up"
        Message.objects.filter(pk=message.pk).update(
            delivery_status=DeliveryStatus.SENT,
            sent_at=timezone.now(),
            delivery_attempts=attempts,
            delivery_error="",
        )
    return "sent"
