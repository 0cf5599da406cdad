"""The one reply path: every outbound message (agent reply, internal note, system notice).

An agent answers in one place whatever the channel; delivery follows the ticket's channel.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from helpdesk.models import AuthorKind, Channel, Message, Status, Ticket, TicketEvent
from helpdesk.services.delivery import delivery_prefill, message_deliver, messages_deliver
from helpdesk.services.events import (
    message_added_emit,
    ticket_changed_emit,
    ticket_event_new,
)
from helpdesk.services.timeline import (
    IncomingFile,
    attachments_store,
    message_append,
    ticket_lock,
    ticket_lock_next,
    tickets_lock_next,
)
from helpdesk.sla import services as sla

HELPDESK_AUTHOR = "Mesa de ayuda"  # the author name of the helpdesk's own messages


class ReplyError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _author_name(user: object) -> str:
    profile = getattr(user, "agent_profile", None)
    if profile is not None and profile.display_name:
        return str(profile.display_name)
    full = getattr(user, "get_full_name", lambda: "")()
    return full or getattr(user, "username", "")


def _agent_message_fields(ticket: Ticket, reply: Reply, *, internal: bool) -> dict[str, Any]:
    """The fields of an agent's message on `ticket` (one reply or a batch's)."""
    author: Any = reply.author
    return {
        "author_kind": AuthorKind.AGENT,
        "author_user": author,
        "author_name": _author_name(author),
        "channel": ticket.channel,
        "text": reply.text,
        "html": reply.html,
        "internal": internal,
        "client_id": reply.client_id,
        **delivery_prefill(ticket, internal=internal),
    }


def _assigned_to_author(ticket: Ticket, author: Any) -> TicketEvent:
    """An unassigned ticket answered by an agent becomes theirs: the unsaved audit event."""
    ticket.assignee = author
    return ticket_event_new(
        ticket,
        "assigned",
        actor=author,
        field="assignee",
        new=getattr(author, "username", ""),
        data={"by": "reply"},
    )


def _status_changed(ticket: Ticket, author: Any, old: str, new: str) -> TicketEvent:
    """The unsaved audit event of a reply changing the ticket's status."""
    return ticket_event_new(
        ticket, "status_changed", actor=author, field="status", old=old, new=new
    )


@dataclass(frozen=True)
class Reply:
    """One agent reply or internal note, as `ticket_reply_many` takes it."""

    ticket_id: int
    author: object
    text: str
    internal: bool = False
    client_id: str | None = None
    html: str = ""
    files: Sequence[IncomingFile] = ()
    status: str | None = None


@dataclass(frozen=True)
class Replied:
    message: Message
    duplicate: bool  # stored before under the same client id: nothing was written


def ticket_reply(
    ticket: Ticket,
    *,
    author: object,
    text: str,
    internal: bool = False,
    client_id: str | None = None,
    html: str = "",
    files: Sequence[IncomingFile] = (),
    status: str | None = None,
) -> Message:
    """Record an agent's reply or internal note and hand a reply to the channel's delivery.

    Guarantees: atomic (message, status change, SLA, delivery job commit together);
    idempotent on `client_id` per ticket (the chat console retries safely); realtime
    events after commit. A public reply meets the written-answer SLA; a note never does.
    """
    reply = Reply(ticket.pk, author, text, internal, client_id, html, files, status)
    return ticket_reply_many([reply])[0].message


def ticket_reply_many(replies: Sequence[Reply], *, deduped: bool = False) -> list[Replied]:
    """`ticket_reply` for several replies (a chat process's group commit), results in order.

    Same guarantees per reply, but atomic as a whole: one transaction (or savepoint) holds
    them all, so a caller that must isolate a failing reply retries them one by one.
    Idempotent per (ticket, client id), also within the batch (a repeat gets the first
    message, `duplicate=True`). Tickets are locked in ascending id order (replies to one
    ticket in the given order), so concurrent batches queue on each other, never deadlock.
    Several public replies without files are written together (`_replies_write_together`:
    the same rows, a fixed number of statements for locks, seqs and inserts).
    `deduped`: the caller already looked the client ids up (outside the transaction, as this
    would) and passes only replies not stored before (the chat's batch reads them with its
    turn checks); a concurrent duplicate still fails on the unique constraint.
    """
    cleaned = [dataclasses.replace(r, text=(r.text or "").strip()) for r in replies]
    for reply in cleaned:
        if not reply.text and not reply.files:
            raise ReplyError("empty", "La respuesta está vacía.")
    stored = {} if deduped else _stored_replies(cleaned)
    results: list[Replied | None] = [None] * len(cleaned)
    first: dict[tuple[int, str], int] = {}  # a client id's first reply in this batch
    repeats: dict[int, int] = {}
    fresh: list[int] = []
    for index, reply in enumerate(cleaned):
        key = (reply.ticket_id, reply.client_id or "")
        if reply.client_id and (earlier := stored.get(key)) is not None:
            results[index] = Replied(earlier, True)
        elif reply.client_id and key in first:
            repeats[index] = first[key]
        else:
            if reply.client_id:
                first[key] = index
            fresh.append(index)
    # Ascending ticket ids (stable: one ticket's replies keep their order) fix the lock order.
    fresh.sort(key=lambda i: cleaned[i].ticket_id)
    with transaction.atomic():
        together = [cleaned[i] for i in fresh]
        if len(together) > 1 and all(not r.internal and not r.files for r in together):
            written = _replies_write_together(together)
        else:
            written = [_reply_write(reply) for reply in together]
    for index, message in zip(fresh, written, strict=True):
        results[index] = Replied(message, False)
    for index, earlier_index in repeats.items():
        earlier_result = results[earlier_index]
        assert earlier_result is not None
        results[index] = Replied(earlier_result.message, True)
    return [result for result in results if result is not None]


def _stored_replies(replies: Sequence[Reply]) -> dict[tuple[int, str], Message]:
    """Messages already stored under the replies' (ticket, client id) keys (one query).

    Two IN lists rather than one OR term per reply: a batch's query compiles in constant
    time, and the few rows matching only across pairs are dropped here.
    """
    keys = {(r.ticket_id, r.client_id) for r in replies if r.client_id}
    if not keys:
        return {}
    found = Message.objects.filter(
        ticket_id__in={ticket_id for ticket_id, _ in keys},
        client_id__in={client_id for _, client_id in keys},
    )
    return {
        (m.ticket_id, m.client_id or ""): m for m in found if (m.ticket_id, m.client_id) in keys
    }


def _replies_write_together(replies: Sequence[Reply]) -> list[Message]:
    """Public replies without files (a chat process's batch), in the caller's transaction, each
    exactly as `_reply_write` would write it, in a fixed number of statements for the batch:
    tickets locked in id order with their seqs reserved (`tickets_lock_next`), messages and
    audit events inserted together; SLA, delivery and events per message as for one reply.
    """
    now = timezone.now()
    counts = Counter(reply.ticket_id for reply in replies)
    tickets = tickets_lock_next(
        counts,
        now=now,
        stamp={"last_agent_message_at": now},
        stamp_if_empty={"first_response_at": now},
        clocks=True,
    )
    seqs = {pk: ticket.last_seq - counts[pk] + 1 for pk, ticket in tickets.items()}
    updates: dict[int, list[str]] = {}
    messages: list[Message] = []
    events: list[TicketEvent] = []
    status_changes: dict[int, list[tuple[str, str]]] = {}  # ticket id -> (old, new), in order
    for reply in replies:
        author: Any = reply.author  # a user; `Reply` keeps it as loosely typed as ticket_reply
        ticket = tickets[reply.ticket_id]
        seq, seqs[ticket.pk] = seqs[ticket.pk], seqs[ticket.pk] + 1
        messages.append(
            Message(ticket=ticket, seq=seq, **_agent_message_fields(ticket, reply, internal=False))
        )
        update = updates.setdefault(ticket.pk, [])
        new_status = reply.status or (Status.WAITING if ticket.is_open else ticket.status)
        if ticket.assignee_id is None:
            update.append("assignee")
            events.append(_assigned_to_author(ticket, author))
        if new_status != ticket.status:
            status_changes.setdefault(ticket.pk, []).append((ticket.status, new_status))
            events.append(_status_changed(ticket, author, ticket.status, new_status))
            ticket.status = new_status
            update.append("status")
        if ticket.channel != Channel.CHAT:
            # A live chat turn is its own record (author, time, seq): no event per line.
            events.append(ticket_event_new(ticket, "replied", actor=author, data={"seq": seq}))
    # The messages, their audit events, the tickets' changes and the SLA clocks' (answers,
    # then status changes) in one statement.
    clocks = sla.sla_agents_replied_rows(
        [(m.ticket, m) for m in messages], now=now, status_changes=status_changes
    )
    changed = [
        (tickets[pk], [*dict.fromkeys(fields), "updated_at"])
        for pk, fields in updates.items()
        if fields
    ]
    clocks.write(insert=[messages], tickets=changed, log=events)
    messages_deliver(messages)
    for message in messages:
        message_added_emit(message)
        ticket_changed_emit(message.ticket, "reply")
    return messages


def _reply_write(reply: Reply) -> Message:
    """One reply, inside the caller's transaction (`ticket_reply_many`).

    Two statements, with or without a status change: the lock (with its seq, times and SLA
    clock) and one writing the message, its audit events, the ticket's changes and the clock's.
    """
    author, internal = reply.author, reply.internal
    now = timezone.now()
    # Lock, next seq and the answer's times in one statement (a note stamps nothing).
    answered = {} if internal else {"last_agent_message_at": now}
    ticket = ticket_lock_next(
        reply.ticket_id,
        now=now,
        stamp=answered,
        stamp_if_empty={"first_response_at": now} if answered else None,
        clock=not internal,
    )
    message = Message(
        ticket=ticket,
        seq=ticket.last_seq,
        **_agent_message_fields(ticket, reply, internal=internal),
    )
    update: list[str] = []  # the lock already wrote seq, times and updated_at
    events: list[TicketEvent] = []
    status = reply.status
    if not internal:
        new_status = status or (Status.WAITING if ticket.is_open else ticket.status)
    else:
        new_status = status or (Status.OPEN if ticket.status == Status.NEW else ticket.status)
    if ticket.assignee_id is None and not internal:
        update.append("assignee")
        events.append(_assigned_to_author(ticket, author))
    old_status = ticket.status
    if new_status != old_status:
        ticket.status = new_status
        update.append("status")
        events.append(_status_changed(ticket, author, old_status, new_status))
    if internal or ticket.channel != Channel.CHAT:
        # A live chat turn is its own record (author, time, seq): no event per line.
        events.append(
            ticket_event_new(
                ticket,
                "note_added" if internal else "replied",
                actor=author,
                data={"seq": message.seq},
            )
        )
    moved = {ticket.pk: [(old_status, new_status)]} if new_status != old_status else None
    clocks = sla.sla_agents_replied_rows([(ticket, message)], now=now, status_changes=moved)
    changed = [(ticket, [*update, "updated_at"])] if update else []
    clocks.write(insert=[[message]], tickets=changed, log=events)
    attachments_store(message, reply.files)
    message_deliver(message)
    message_added_emit(message)
    ticket_changed_emit(ticket, "reply")
    return message


def ticket_notify(
    ticket: Ticket,
    *,
    text: str,
    automatic: bool = True,
    internal: bool = False,
    locked: bool = False,
) -> Message:
    """A message from the helpdesk itself (acknowledgement, reminder, incident update).

    Never meets an SLA. Delivered through the ticket's channel like a reply. `locked` says the
    caller already holds the ticket's row lock in this transaction with a current instance
    (intake's own notices), which saves re-reading it.
    """
    # No savepoint of its own: a notice that fails takes its caller's change with it.
    with transaction.atomic(savepoint=False):
        if not locked:
            ticket = ticket_lock(ticket.pk)
        message = message_append(
            ticket,
            author_kind=AuthorKind.SYSTEM,
            author_name=HELPDESK_AUTHOR,
            channel=ticket.channel,
            text=text,
            internal=internal,
            automatic=automatic,
            **delivery_prefill(ticket, internal=internal),
        )
        message_deliver(message)
        message_added_emit(message)
    return message
