"""Delivery of outbound messages by the ticket's channel.

Chat turns reach the customer's sockets through the realtime event every message sends; email
and web-form tickets get an email (a durable job). Registered here, in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from helpdesk.models import Channel, DeliveryStatus, Message, Ticket


def delivery_prefill(ticket: Ticket, *, internal: bool) -> dict[str, Any]:
    """Fields an outbound message gets at creation when it will surely go out by email.

    Saves the job a second write of the row; chat replies decide later (the customer may be
    connected).
    """
    if internal or ticket.channel == Channel.CHAT or not ticket.contact.email:
        return {}
    from mailin.outbound import message_id_new

    return {
        "email_message_id": message_id_new(ticket.reference),
        "delivery_status": DeliveryStatus.PENDING,
    }


def messages_deliver(messages: Sequence[Message]) -> None:
    """`message_deliver` for several messages at once: their emails share one enqueued job."""
    emails = []
    for message in messages:
        ticket = message.ticket
        if message.internal:
            continue
        if ticket.channel != Channel.CHAT and ticket.contact.email:
            emails.append(message)
        else:
            message_deliver(message)
    if emails:
        from mailin.outbound import emails_enqueue

        emails_enqueue(emails)


def message_deliver(message: Message) -> None:
    """Schedule delivery of a public outbound message; must run in the caller's transaction."""
    if message.internal:
        return
    ticket = message.ticket
    if ticket.channel == Channel.CHAT:
        from channels_chat.delivery import chat_deliver

        chat_deliver(message)
        return
    if ticket.contact.email:
        from mailin.outbound import email_enqueue

        email_enqueue(message)


class DeliveryRetryError(Exception):
    """A retry the message cannot take (`code`: not_found, not_failed)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def message_delivery_retry(ticket: Ticket, seq: int, *, actor: Any) -> Message:
    """Send a failed outbound email again (its retries ran out, or it bounced).

    Atomic: the message row is locked, its delivery reset to pending with a fresh count of
    attempts, the `delivery_retried` audit event recorded and one send job enqueued, all in
    one transaction; the send job itself still sends at most once. Only a message whose
    delivery is `failed` can be retried, so a double click enqueues one job.
    """
    from django.db import transaction

    from helpdesk.services.events import ticket_changed_emit, ticket_event_record
    from mailin.outbound import message_email_send

    with transaction.atomic():
        message = (
            Message.objects.select_for_update()
            .filter(ticket=ticket, seq=seq, internal=False)
            .exclude(email_message_id=None)
            .first()
        )
        if message is None:
            raise DeliveryRetryError("not_found", _("Ese mensaje no salió por correo."))
        if message.delivery_status != DeliveryStatus.FAILED:
            raise DeliveryRetryError("not_failed", _("Ese mensaje no tiene un envío fallido."))
        previous_error = message.delivery_error
        message.delivery_status = DeliveryStatus.PENDING
        message.delivery_attempts = 0
        message.delivery_error = ""
        message.save(update_fields=["delivery_status", "delivery_attempts", "delivery_error"])
        ticket_event_record(
            ticket,
            "delivery_retried",
            actor=actor,
            field="delivery_status",
            old=DeliveryStatus.FAILED,
            new=DeliveryStatus.PENDING,
            data={"seq": seq, "error": previous_error[:300]},
        )
        message_email_send.enqueue(message.pk)
        ticket_changed_emit(ticket, "delivery")
    return message
