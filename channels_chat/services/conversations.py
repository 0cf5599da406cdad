"""Conversation lifecycle seen from the customer: open, resume, messages both ways, close.

Every customer turn goes through `intake_receive`, every agent turn through `ticket_reply`:
the chat never writes tickets or messages itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from channels_chat.conf import chat_setting
from channels_chat.models import WAITING_STATES, Conversation, ConversationState
from channels_chat.protocol import (
    AGENT_ID_PREFIX,
    CUSTOMER_ID_PREFIX,
    ProtocolError,
    client_id_store,
)
from channels_chat.selectors import agent_may_work, token_hash
from channels_chat.services.assignment import conversation_offer, queue_offer_waiting
from channels_chat.services.notices import conversation_emit
from helpdesk.models import Message, Queue, Status, Ticket
from helpdesk.permissions import queue_ids_for
from helpdesk.services.intake import Inbound, IntakeError, intake_receive
from helpdesk.services.replies import ReplyError, ticket_reply
from helpdesk.services.tickets import ticket_status_set


@dataclass(frozen=True)
class Opened:
    conversation: Conversation
    resume: str


def conversation_open(
    *, name: str, email: str, topic: str = "", queue: str = "", language: str = "es"
) -> Opened:
    """Start a chat: the topic becomes the ticket's first customer message (triaged by intake).

    Atomic: ticket, first message and conversation commit together; the chat is offered to
    the least-loaded available agent of its queue, or marked offline when nobody is online.
    Returns the resume token, which is stored only as a hash.
    """
    text = topic.strip() or _("Chat iniciado desde el sitio web")
    hint = queue if Queue.objects.filter(slug=queue).exists() else None
    token = secrets.token_urlsafe(24)
    with transaction.atomic():
        try:
            result = intake_receive(
                Inbound(
                    channel="chat",
                    text=text,
                    name=name.strip(),
                    email=email.strip(),
                    subject=topic.strip()[:120] or _("Chat"),
                    language=language[:8] or "es",
                    queue_hint=hint,
                )
            )
        except IntakeError as exc:
            raise ProtocolError(exc.code, str(exc)) from exc
        ticket = result.ticket
        conversation = Conversation.objects.create(
            ticket=ticket,
            queue=ticket.queue,
            resume_hash=token_hash(token),
            customer_name=name.strip()[:200],
            customer_email=email.strip()[:254],
            topic=topic.strip()[:500],
            language=language[:8] or "es",
            waiting_since=timezone.now(),
        )
        conversation = Conversation.objects.select_related("ticket", "queue").get(
            pk=conversation.pk
        )
        conversation_offer(conversation)
        conversation_emit(conversation, "offline" if conversation.offline else "opened")
    return Opened(conversation, token)


def conversation_resume(token: str) -> Conversation:
    """The conversation of a resume token; forged or expired tokens raise ProtocolError."""
    conversation = (
        Conversation.objects.select_related("ticket", "queue", "agent__agent_profile")
        .filter(resume_hash=token_hash(token or ""))
        .first()
    )
    if conversation is None:
        raise ProtocolError("resume_invalid")
    now = timezone.now()
    too_old = conversation.created_at < now - timedelta(days=chat_setting("RESUME_MAX_AGE_DAYS"))
    ended_long_ago = conversation.ended_at is not None and (
        conversation.ended_at < now - timedelta(hours=chat_setting("RESUME_GRACE_HOURS"))
    )
    if too_old or ended_long_ago:
        raise ProtocolError("resume_expired")
    return conversation


@dataclass(frozen=True)
class Stored:
    seq: int
    duplicate: bool


def chat_message_receive(conversation_id: int, *, client_id: str, text: str) -> Stored:
    """A customer's chat turn: stored (redacted, deduped by client id) before it is acked."""
    row = (
        Conversation.objects.filter(pk=conversation_id)
        .values("ticket_id", "state", "customer_name", "customer_email", "language")
        .first()
    )
    if row is None:
        raise ProtocolError("not_found")
    stored_id = client_id_store(CUSTOMER_ID_PREFIX, client_id)
    if row["state"] == ConversationState.ENDED:
        existing = Message.objects.filter(ticket_id=row["ticket_id"], client_id=stored_id).first()
        if existing is not None:
            return Stored(existing.seq, True)
        raise ProtocolError("conversation_ended", client_id=client_id)
    try:
        result = intake_receive(
            Inbound(
                channel="chat",
                ticket_id=row["ticket_id"],
                client_id=stored_id,
                text=text,
                name=row["customer_name"],
                email=row["customer_email"],
                language=row["language"],
            )
        )
    except IntakeError as exc:
        raise ProtocolError(exc.code, str(exc), client_id=client_id) from exc
    return Stored(result.message.seq, result.duplicate)


def chat_reply_send(
    conversation_id: int, *, agent: Any, client_id: str, text: str, internal: bool = False
) -> Stored:
    """An agent's chat turn through `ticket_reply` (idempotent on the client id).

    Public turns need the conversation active with this agent (or a supervisor); internal
    notes need only a queue the agent belongs to.
    """
    row = (
        Conversation.objects.filter(pk=conversation_id)
        .values("ticket_id", "queue_id", "state", "agent_id")
        .first()
    )
    if row is None:
        raise ProtocolError("not_found", client_id=client_id)
    queue_ids = queue_ids_for(agent)
    if queue_ids is not None and row["queue_id"] not in queue_ids:
        raise ProtocolError("forbidden", client_id=client_id)
    stored_id = client_id_store(AGENT_ID_PREFIX, client_id)
    if not internal:
        refusal: ProtocolError | None = None
        if row["state"] == ConversationState.ENDED:
            refusal = ProtocolError("conversation_ended", client_id=client_id)
        elif row["agent_id"] != agent.pk and queue_ids is not None:
            code = "not_waiting" if row["state"] in WAITING_STATES else "forbidden"
            refusal = ProtocolError(
                code, _("Acepta la conversación antes de escribir."), client_id=client_id
            )
        if refusal is not None:
            # A retry of a turn stored before the chat ended or moved still gets its ack.
            existing = Message.objects.filter(
                ticket_id=row["ticket_id"], client_id=stored_id
            ).first()
            if existing is None:
                raise refusal
            return Stored(existing.seq, True)
    # ticket_reply locks and re-reads the ticket; a deferred instance is all it needs here.
    ticket = Ticket.from_db("default", ["id"], [row["ticket_id"]])
    started = timezone.now()
    try:
        message = ticket_reply(
            ticket, author=agent, text=text, internal=internal, client_id=stored_id
        )
    except ReplyError as exc:
        raise ProtocolError(exc.code, str(exc), client_id=client_id) from exc
    # ticket_reply returns the first message for a client id it has already stored.
    return Stored(message.seq, message.created_at < started)


def conversation_close(conversation_id: int, *, by: str, agent: Any = None) -> Conversation:
    """End a chat (idempotent). An agent's close resolves the ticket; a customer's leave keeps
    it open for follow-up. Frees the agent's capacity and offers waiting chats.
    """
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("ticket", "queue", "agent")
            .filter(pk=conversation_id)
            .first()
        )
        if conversation is None:
            raise ProtocolError("not_found")
        if agent is not None and not agent_may_work(agent, conversation):
            raise ProtocolError("forbidden")
        if conversation.state == ConversationState.ENDED:
            return conversation
        previous_agent = conversation.agent
        conversation.state = ConversationState.ENDED
        conversation.ended_at = timezone.now()
        conversation.ended_by = by
        conversation.offered_to = None
        conversation.save(update_fields=["state", "ended_at", "ended_by", "offered_to"])
        if agent is not None and conversation.ticket.status in (
            Status.NEW,
            Status.OPEN,
            Status.WAITING,
        ):
            ticket_status_set(conversation.ticket, status=Status.RESOLVED, actor=agent)
        conversation_emit(conversation, "ended", by=by)
        if previous_agent is not None:
            queue_offer_waiting(previous_agent)
    return conversation
