"""The one reply path: every outbound message (agent reply, internal note, system notice).

An agent answers in one place whatever the channel; delivery follows the ticket's channel.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from helpdesk.models import AuthorKind, Channel, Message, Status, Ticket
from helpdesk.services.delivery import delivery_prefill, message_deliver
from helpdesk.services.events import (
    message_added_emit,
    ticket_changed_emit,
    ticket_event_record,
)
from helpdesk.services.timeline import (
    IncomingFile,
    message_append,
    ticket_lock,
    ticket_lock_next,
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
    text = (text or "").strip()
    if not text and not files:
        raise ReplyError("empty", "La respuesta está vacía.")
    if client_id:
        existing = Message.objects.filter(ticket=ticket, client_id=client_id).first()
        if existing:
            return existing
    now = timezone.now()
    with transaction.atomic():
        # Lock, next seq and the answer's times in one statement (a note stamps nothing).
        answered = {} if internal else {"last_agent_message_at": now}
        ticket = ticket_lock_next(
            ticket.pk,
            now=now,
            stamp=answered,
            stamp_if_empty={"first_response_at": now} if answered else None,
        )
        message = message_append(
            ticket,
            reserved=True,
            files=files,
            author_kind=AuthorKind.AGENT,
            author_user=author,
            author_name=_author_name(author),
            channel=ticket.channel,
            text=text,
            html=html,
            internal=internal,
            client_id=client_id,
            **delivery_prefill(ticket, internal=internal),
        )
        update: list[str] = []  # the lock already wrote seq, times and updated_at
        if not internal:
            new_status = status or (Status.WAITING if ticket.is_open else ticket.status)
        else:
            new_status = status or (Status.OPEN if ticket.status == Status.NEW else ticket.status)
        if ticket.assignee_id is None and not internal:
            ticket.assignee = author  # type: ignore[assignment]
            update.append("assignee")
            ticket_event_record(
                ticket,
                "assigned",
                actor=author,
                field="assignee",
                new=getattr(author, "username", ""),
                data={"by": "reply"},
            )
        old_status = ticket.status
        if new_status != old_status:
            ticket.status = new_status
            update.append("status")
            ticket_event_record(
                ticket,
                "status_changed",
                actor=author,
                field="status",
                old=old_status,
                new=new_status,
            )
        if internal or ticket.channel != Channel.CHAT:
            # A live chat turn is its own record (author, time, seq): no event per line.
            ticket_event_record(
                ticket,
                "note_added" if internal else "replied",
                actor=author,
                data={"seq": message.seq},
            )
        if update:
            ticket.save(update_fields=[*update, "updated_at"])
        if not internal:
            sla.sla_agent_replied(ticket, message, now=now)
        if new_status != old_status:
            sla.sla_status_changed(ticket, old_status, new_status, now=now)
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
