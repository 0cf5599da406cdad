"""How an outbound message reaches a chat customer.

Connected sockets already get it through the realtime `message.added` event. When the customer
has left (no open socket on any process), the chat continues as an email ticket: the reply is
emailed through the durable outbound job (the offline fallback).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from channels_chat import leases
from helpdesk.models import Message

# Presence read ahead for a batch of replies: ticket id -> a customer socket is open.
_known: contextvars.ContextVar[dict[int, bool] | None] = contextvars.ContextVar(
    "chat_presence_known", default=None
)


def customer_connected(ticket_id: int) -> bool:
    """A customer chat socket is open on the ticket, on any process (one Redis read, or none
    inside `presence_read_ahead` for its tickets)."""
    known = _known.get()
    if known is not None and ticket_id in known:
        return known[ticket_id]
    return leases.lease_count(leases.customer_key(ticket_id)) > 0


@contextlib.contextmanager
def presence_read_ahead(ticket_ids: Iterable[int]) -> Iterator[None]:
    """Read whether the customers of `ticket_ids` are connected now, in one round trip, for
    the replies stored inside: a batch of chat replies asks once, before its transaction,
    instead of once per reply with the ticket locked. (Either way it is the presence of a
    moment; a customer who leaves just after still has the reply in the timeline on return.)"""
    ids = list(dict.fromkeys(ticket_ids))
    counts = leases.lease_counts(leases.customer_key(pk) for pk in ids)
    token = _known.set({pk: counts[leases.customer_key(pk)] > 0 for pk in ids})
    try:
        yield
    finally:
        _known.reset(token)


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
