"""How an outbound message reaches a chat customer.

Connected sockets already get it through the realtime `message.added` event. When the customer
has left (no open socket on any process), the chat continues as an email ticket: the reply is
emailed through the durable outbound job (the offline fallback).
"""

from __future__ import annotations

from channels_chat import leases
from helpdesk.models import Message


def customer_connected(ticket_id: int) -> bool:
    """A customer chat socket is open on the ticket, on any process (one Redis read)."""
    return leases.lease_count(leases.customer_key(ticket_id)) > 0


def chat_deliver(message: Message) -> None:
    """Email a public agent reply when the chat customer is not connected (caller's transaction).

    Automatic notices (chat ended, transfers) are never emailed.
    """
    if message.internal or message.automatic:
        return
    ticket = message.ticket
    # Presence first: it is one Redis read, the contact's email may be one more query.
    if customer_connected(ticket.pk) or not ticket.contact.email:
        return
    from mailin.outbound import email_enqueue

    email_enqueue(message)
