"""Conversation lifecycle seen from the customer: open, resume, messages both ways, close.

Every customer turn goes through `intake_receive`, every agent turn through `ticket_reply`:
the chat never writes tickets or messages itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

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
from channels_chat.selectors import AgentTurn, agent_may_work, agent_turn_read, token_hash
from channels_chat.services.assignment import conversation_offer, queue_offer_waiting
from channels_chat.services.notices import conversation_emit
from helpdesk.models import Message, Queue, Status, Ticket
from helpdesk.models.tickets import OPEN_STATUSES
from helpdesk.services.intake import Inbound, IntakeError, intake_receive
from helpdesk.services.replies import Reply, ReplyError, ticket_reply_many
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


@dataclass(frozen=True)
class CustomerSide:
    """What a customer's socket knows of its conversation, so a turn needs no lookup."""

    conversation_id: int
    ticket_id: int
    name: str
    email: str
    language: str

    @classmethod
    def of(cls, conversation: Conversation) -> CustomerSide:
        return cls(
            conversation.pk,
            conversation.ticket_id,
            conversation.customer_name,
            conversation.customer_email,
            conversation.language,
        )


def _stored_again(ticket_id: int, stored_id: str) -> Stored | None:
    """The ack of a turn stored before (a retry), if there was one."""
    seq = (
        Message.objects.filter(ticket_id=ticket_id, client_id=stored_id)
        .values_list("seq", flat=True)
        .first()
    )
    return None if seq is None else Stored(seq, True)


def customer_inbound(customer: CustomerSide, stored_id: str, text: str) -> Inbound:
    """A customer's chat line as intake takes it (`stored_id`: the prefixed client id)."""
    return Inbound(
        channel="chat",
        ticket_id=customer.ticket_id,
        client_id=stored_id,
        text=text,
        name=customer.name,
        email=customer.email,
        language=customer.language,
    )


def chat_message_receive(
    customer: CustomerSide, *, client_id: str, text: str, ended: bool = False
) -> Stored:
    """A customer's chat turn: stored (redacted, deduped by client id) before it is acked.

    `ended` is the socket's knowledge that the chat ended (from the `ended` notice): then only
    a retry of a turn stored earlier is acked. A turn racing the close by a few milliseconds is
    stored like any customer message on the ticket (intake reopens it when it was resolved).
    Several turns at once: `channels_chat.services.turns.chat_turns_store`.
    """
    stored_id = client_id_store(CUSTOMER_ID_PREFIX, client_id)
    if ended:
        if again := _stored_again(customer.ticket_id, stored_id):
            return again
        raise ProtocolError("conversation_ended", client_id=client_id)
    try:
        result = intake_receive(customer_inbound(customer, stored_id, text))
    except IntakeError as exc:
        raise ProtocolError(exc.code, str(exc), client_id=client_id) from exc
    return Stored(result.message.seq, result.duplicate)


def _reply_status(turn: AgentTurn, internal: bool) -> str | None:
    """A live chat stays open while the agent writes: no flip to "waiting on customer" (and
    back on the customer's next line) per turn, with its audit event and SLA pause. Outside
    an active chat the reply service decides as for any channel."""
    live = turn.state == ConversationState.ACTIVE and turn.ticket_status in OPEN_STATUSES
    return Status.OPEN if live and not internal else None


def chat_reply_prepare(
    conversation_id: int,
    *,
    agent: Any,
    client_id: str,
    text: str,
    internal: bool = False,
    turn: AgentTurn | None | Literal["read"] = "read",
) -> Reply | Stored:
    """Check an agent's chat turn and say what to store: the `Reply`, or the ack of a turn
    stored before that would now be refused (a retry after the chat ended or moved).

    `turn` is what `agent_turns_read` found for this conversation and agent (a batch reads
    them together); by default it is read here (one query).
    Public turns need the conversation active with this agent (or a supervisor); internal
    notes need only a queue the agent belongs to. A public turn in an active chat keeps the
    ticket open (`_reply_status`). Raises ProtocolError for a refused turn; writes nothing.
    """
    if turn == "read":
        turn = agent_turn_read(conversation_id, agent)
    if turn is None:
        raise ProtocolError("not_found", client_id=client_id)
    if not turn.may_work:
        raise ProtocolError("forbidden", client_id=client_id)
    stored_id = client_id_store(AGENT_ID_PREFIX, client_id)
    if not internal:
        refusal: ProtocolError | None = None
        if turn.state == ConversationState.ENDED:
            refusal = ProtocolError("conversation_ended", client_id=client_id)
        elif turn.agent_id != agent.pk and not turn.works_all:
            code = "not_waiting" if turn.state in WAITING_STATES else "forbidden"
            refusal = ProtocolError(
                code, _("Acepta la conversación antes de escribir."), client_id=client_id
            )
        if refusal is not None:
            if again := _stored_again(turn.ticket_id, stored_id):
                return again
            raise refusal
    return Reply(
        turn.ticket_id,
        agent,
        text,
        internal=internal,
        client_id=stored_id,
        status=_reply_status(turn, internal),
    )


def chat_reply_send(
    conversation_id: int, *, agent: Any, client_id: str, text: str, internal: bool = False
) -> Stored:
    """An agent's chat turn through `ticket_reply` (idempotent on the client id), checked by
    `chat_reply_prepare`. Several turns at once: `channels_chat.services.turns`."""
    prepared = chat_reply_prepare(
        conversation_id, agent=agent, client_id=client_id, text=text, internal=internal
    )
    if isinstance(prepared, Stored):
        return prepared
    try:
        replied = ticket_reply_many([prepared])[0]
    except ReplyError as exc:
        raise ProtocolError(exc.code, str(exc), client_id=client_id) from exc
    return Stored(replied.message.seq, replied.duplicate)


def _answered_last(ticket: Ticket) -> bool:
    answered = ticket.last_agent_message_at
    asked = ticket.last_customer_message_at
    if ticket.status != Status.OPEN or answered is None:
        return False
    return asked is None or answered >= asked


def conversation_close(conversation_id: int, *, by: str, agent: Any = None) -> Conversation:
    """End a chat (idempotent). An agent's close resolves the ticket; a customer's leave keeps
    it open for follow-up, waiting on the customer when an agent answered their last line.
    Frees the agent's capacity and offers waiting chats.
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
        ticket = conversation.ticket
        if agent is not None and ticket.status in OPEN_STATUSES:
            ticket_status_set(ticket, status=Status.RESOLVED, actor=agent)
        elif agent is None and _answered_last(ticket):
            # Agent turns kept the live chat open; once it is over, an answered ticket waits
            # on the customer (and its SLA clock pauses) as after any other reply.
            ticket_status_set(ticket, status=Status.WAITING, actor=None)
        conversation_emit(conversation, "ended", by=by)
        if previous_agent is not None:
            queue_offer_waiting(previous_agent)
    return conversation
