"""Routing of waiting chats to agents, accept, transfer, presence and chat capacity.

Waiting chats are offered to the least-loaded online agent of the queue with free capacity;
any agent of the queue may accept. Nobody online, or nobody accepting in time, turns the chat
"offline": it continues as a ticket answered by email (see channels_chat.delivery).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from channels_chat.conf import chat_setting
from channels_chat.models import WAITING_STATES, Conversation, ConversationState
from channels_chat.protocol import ProtocolError
from channels_chat.selectors import (
    AgentLoad,
    agent_load,
    agent_may_work,
    agent_queues,
    queue_agent_loads,
    queue_position,
)
from channels_chat.services.notices import conversation_emit, presence_emit
from helpdesk.models import AgentProfile, Queue
from helpdesk.models.agents import Presence
from helpdesk.permissions import is_supervisor
from helpdesk.services.replies import ticket_reply
from helpdesk.services.tickets import ticket_assign, ticket_move


def _locked(conversation_id: int) -> Conversation:
    conversation = (
        Conversation.objects.select_for_update(of=("self",))
        .select_related("ticket", "queue", "agent")
        .filter(pk=conversation_id)
        .first()
    )
    if conversation is None:
        raise ProtocolError("not_found")
    return conversation


def conversation_offer(conversation: Conversation, loads: list[AgentLoad] | None = None) -> bool:
    """Offer a waiting chat to the least-loaded available agent (caller's transaction).

    Marks the chat offline when no agent of its queue is online. Returns whether an agent
    was found; an expired offer moves on to someone else when there is anyone else.
    """
    loads = queue_agent_loads(conversation.queue) if loads is None else loads
    candidates = [load for load in loads if load.available]
    if conversation.transfer_agent_id:
        candidates = [load for load in candidates if load.user.pk == conversation.transfer_agent_id]
    others = [load for load in candidates if load.user.pk != conversation.offered_to_id]
    if others:
        candidates = others
    pick = min(
        candidates,
        key=lambda load: (load.active / max(load.capacity, 1), load.active, load.user.pk),
        default=None,
    )
    fields = ["offered_to", "offered_at"]
    if not any(load.effective == Presence.ONLINE for load in loads) and not conversation.offline:
        conversation.offline = True
        fields.append("offline")
    conversation.offered_to = pick.user if pick else None
    conversation.offered_at = timezone.now() if pick else None
    conversation.save(update_fields=fields)
    return pick is not None


def conversation_waiting_tick(conversation_id: int) -> dict[str, Any] | None:
    """Run by a waiting customer's socket every few seconds (safe from any number of them).

    Falls back to email after ACCEPT_TIMEOUT, moves expired offers on, and returns what the
    customer sees: `{"queue", "position", "agents_online", "offline"}`; None once no longer waiting.
    """
    now = timezone.now()
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if conversation.state not in WAITING_STATES:
            return None
        loads = queue_agent_loads(conversation.queue)
        online = sum(1 for load in loads if load.effective == Presence.ONLINE)
        timeout = timedelta(seconds=chat_setting("ACCEPT_TIMEOUT"))
        if not conversation.offline and (online == 0 or now - conversation.waiting_since > timeout):
            conversation.offline = True
            conversation.save(update_fields=["offline"])
            conversation_emit(conversation, "offline")
        offer_age = timedelta(seconds=chat_setting("OFFER_TIMEOUT"))
        offered = next((load for load in loads if load.user.pk == conversation.offered_to_id), None)
        stale = (
            offered is None
            or not offered.available
            or (conversation.offered_at is not None and now - conversation.offered_at > offer_age)
        )
        if stale and any(load.available for load in loads):
            before = conversation.offered_to_id
            conversation_offer(conversation, loads)
            if conversation.offered_to_id != before:
                conversation_emit(conversation, "offered", extra_agents=(before,))
        return {
            "queue": conversation.queue.slug,
            "position": queue_position(conversation),
            "agents_online": online,
            "offline": conversation.offline,
        }


def queue_offer_waiting(agent: Any, limit: int = 20) -> int:
    """Offer unoffered waiting chats of the agent's queues now that the agent may take one."""
    queue_ids = [queue.pk for queue in agent_queues(agent)]
    pending = list(
        Conversation.objects.filter(
            queue_id__in=queue_ids, state__in=WAITING_STATES, offered_to__isnull=True
        )
        .order_by("waiting_since", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    count = 0
    for pk in pending:
        with transaction.atomic():
            conversation = _locked(pk)
            waiting = conversation.state in WAITING_STATES
            if waiting and conversation.offered_to_id is None and conversation_offer(conversation):
                conversation_emit(conversation, "offered")
                count += 1
    return count


def conversation_accept(conversation_id: int, *, agent: Any) -> Conversation:
    """An agent takes a waiting chat: assigned, ticket assigned, customer told (atomic).

    Accepting one's own active chat again is a no-op; someone else's gives `not_waiting`.
    """
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if not agent_may_work(agent, conversation):
            raise ProtocolError("forbidden")
        if conversation.state == ConversationState.ACTIVE and conversation.agent_id == agent.pk:
            return conversation
        if conversation.state not in WAITING_STATES:
            raise ProtocolError("not_waiting")
        if conversation.transfer_agent_id not in (None, agent.pk) and not is_supervisor(agent):
            raise ProtocolError("forbidden", _("Esta conversación se transfirió a otro agente."))
        load = agent_load(agent)
        if load.active >= load.capacity:
            raise ProtocolError("capacity_full")
        offered_before = conversation.offered_to_id
        conversation.agent = agent
        conversation.state = ConversationState.ACTIVE
        conversation.accepted_at = timezone.now()
        conversation.offered_to = None
        conversation.offered_at = None
        conversation.transfer_agent = None
        conversation.save(
            update_fields=[
                "agent",
                "state",
                "accepted_at",
                "offered_to",
                "offered_at",
                "transfer_agent",
            ]
        )
        ticket_assign(conversation.ticket, assignee=agent, actor=agent)
        conversation_emit(conversation, "accepted", extra_agents=(offered_before,))
    return conversation


def conversation_transfer(
    conversation_id: int,
    *,
    actor: Any,
    queue: str | None = None,
    agent_id: int | None = None,
    note: str = "",
) -> Conversation:
    """Hand a chat to another queue (the ticket moves too) or to one agent, with an internal
    note. The chat waits again and is offered in its (new) queue; atomic.
    """
    with transaction.atomic():
        conversation = _locked(conversation_id)
        if not agent_may_work(actor, conversation):
            raise ProtocolError("forbidden")
        if conversation.state == ConversationState.ENDED:
            raise ProtocolError("conversation_ended")
        target_queue = conversation.queue
        if queue is not None:
            found = Queue.objects.filter(slug=queue).first()
            if found is None:
                raise ProtocolError("invalid_field", _("Cola desconocida: %(q)s") % {"q": queue})
            target_queue = found
        target_agent = None
        if agent_id is not None:
            target_agent = get_user_model().objects.filter(pk=agent_id, is_active=True).first()
            if target_agent is None or not target_queue.members.filter(pk=agent_id).exists():
                raise ProtocolError(
                    "invalid_field", _("Ese agente no pertenece a la cola de la conversación.")
                )
        if note.strip():
            ticket_reply(
                conversation.ticket,
                author=actor,
                internal=True,
                text=_("Transferencia: %(note)s") % {"note": note.strip()},
            )
        if target_queue.pk != conversation.queue_id:
            ticket_move(conversation.ticket, actor=actor, queue=target_queue)
            conversation.queue = target_queue
        previous = conversation.agent_id
        conversation.agent = None
        conversation.state = ConversationState.TRANSFERRED
        conversation.transfer_agent = target_agent
        conversation.waiting_since = timezone.now()
        conversation.offered_to = None
        conversation.save(
            update_fields=[
                "queue",
                "agent",
                "state",
                "transfer_agent",
                "waiting_since",
                "offered_to",
            ]
        )
        ticket_assign(conversation.ticket, assignee=None, actor=actor)
        conversation_offer(conversation)
        conversation_emit(conversation, "transferred", extra_agents=(previous,))
    return conversation


def presence_set(agent: Any, status: str) -> AgentLoad:
    """The agent's explicit status (online / away / offline); online needs an open socket to
    count. Going online offers waiting chats."""
    if status not in Presence.values:
        raise ProtocolError("invalid_field", _("Estado de presencia desconocido."))
    with transaction.atomic():
        profile, _created = AgentProfile.objects.select_for_update().get_or_create(user=agent)
        if profile.presence != status:
            profile.presence = status
            profile.presence_changed_at = timezone.now()
            profile.save(update_fields=["presence", "presence_changed_at"])
        agent.agent_profile = profile
        load = agent_load(agent)
        presence_emit(load)
    if load.available:
        queue_offer_waiting(agent)
    return load


def capacity_set(agent_id: int, capacity: int, *, actor: Any) -> AgentLoad:
    """A supervisor changes an agent's maximum of concurrent chats (0..20)."""
    if not is_supervisor(actor):
        raise ProtocolError("forbidden")
    if not 0 <= capacity <= 20:
        raise ProtocolError("invalid_field", _("La capacidad debe estar entre 0 y 20."))
    agent = get_user_model().objects.filter(pk=agent_id).first()
    if agent is None:
        raise ProtocolError("not_found")
    with transaction.atomic():
        profile, _created = AgentProfile.objects.select_for_update().get_or_create(user=agent)
        profile.chat_capacity = capacity
        profile.save(update_fields=["chat_capacity"])
        load = agent_load(agent)
        presence_emit(load)
    if load.available:
        queue_offer_waiting(agent)
    return load
