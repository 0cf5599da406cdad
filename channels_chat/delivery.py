"""How an outbound message reaches a chat customer.

Connected sockets already get it through the realtime `message.added` event. When the customer
has left, the chat continues as an email ticket (the offline fallback).
"""

from __future__ import annotations

from helpdesk.models import Message


def chat_deliver(message: Message) -> None:
    """Placeholder: the live-chat work decides when a chat reply also goes by email."""
