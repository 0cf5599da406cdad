"""Delivery of outbound messages by the ticket's channel.

Chat turns reach the customer's sockets through the realtime event every message sends; email
and web-form tickets get an email (a durable job). Registered here, in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

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
