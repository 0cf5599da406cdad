"""Reads of the chat: summaries, waiting lists, positions, available agents, replay."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, Q

from channels_chat import leases
from channels_chat.models import WAITING_STATES, Conversation, ConversationState
from helpdesk.models import Message, Queue, Ticket
from helpdesk.models.agents import Presence
from helpdesk.permissions import is_agent, is_supervisor, queue_ids_for
from helpdesk.selectors import queues_visible
from helpdesk.services.events import message_payload


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def agent_display(user: Any) -> str:
    if user is None:
        return ""
    profile = getattr(user, "agent_profile", None)
    if profile is not None and profile.display_name:
        return str(profile.display_name)
    return user.get_full_name() or user.get_username()


def conversation_summary(conversation: Conversation, online: int | None = None) -> dict[str, Any]:
    if online is None:
        online = leases.lease_count(leases.customer_key(conversation.ticket_id))
    return {
        "id": conversation.pk,
        "ticket": conversation.ticket.reference,
        "ticket_id": conversation.ticket_id,
        "subject": conversation.ticket.subject,
        "queue": conversation.queue.slug,
        "queue_name": conversation.queue.name,
        "state": conversation.state,
        "agent": conversation.agent_id,
        "agent_name": agent_display(conversation.agent) if conversation.agent_id else None,
        "offered_to": conversation.offered_to_id,
        "customer": conversation.customer_name,
        "email": conversation.customer_email,
        "waiting_since": conversation.waiting_since.isoformat(),
        "offline": conversation.offline,
        "customer_online": online > 0,
    }


def conversation_get(conversation_id: int) -> Conversation | None:
    return (
        Conversation.objects.select_related("ticket", "queue", "agent__agent_profile")
        .filter(pk=conversation_id)
        .first()
    )


def agent_may_work(user: Any, conversation: Conversation) -> bool:
    """An agent works only conversations of queues they belong to; supervisors work all."""
    queue_ids = queue_ids_for(user)
    return queue_ids is None or conversation.queue_id in queue_ids


agent_queues = queues_visible


@dataclass(frozen=True)
class AgentTurn:
    """What an agent's chat turn needs to know, read in one query."""

    ticket_id: int
    ticket_status: str
    state: str
    agent_id: int | None
    may_work: bool  # the conversation's queue is one of the agent's (or a supervisor)
    works_all: bool  # a supervisor: may write in any chat
    stored_seq: int | None = None  # a message of the ticket already has the line's client id


def _agent_turns_query(keys: Sequence[tuple[int, Any, str | None]]) -> tuple[str, list[Any]]:
    """The statement of `agent_turns_read` for its (conversation id, user id, client id)
    keys, and its parameters."""
    quote = connection.ops.quote_name
    members = Queue.members.through._meta
    member_queue = quote(str(members.get_field("queue").column))
    member_user = quote(str(members.get_field("user").column))
    params: list[Any]
    if connection.vendor == "postgresql":
        # Three arrays: one statement text for any number of turns, so each connection
        # prepares it once (a VALUES row per turn would be a new statement per batch size).
        rows = "(SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::text[]))"
        rows += " AS v (column1, column2, column3)"
        params = [list(column) for column in zip(*keys, strict=True)]
    else:
        triple = "(CAST(%s AS INTEGER), CAST(%s AS INTEGER), CAST(%s AS TEXT))"
        rows = f"(VALUES {', '.join([triple] * len(keys))}) AS v"
        params = [value for key in keys for value in key]
    # Identifiers from the models' metadata, quoted; every value is a parameter. The rows
    # are named column1, column2... (as a VALUES list names them on PostgreSQL and SQLite).
    sql = (
        "SELECT v.column1, v.column2, v.column3, c.ticket_id, t.status, c.state, c.agent_id,"  # noqa: S608
        f" EXISTS (SELECT 1 FROM {quote(members.db_table)} m"
        f" WHERE m.{member_queue} = c.queue_id AND m.{member_user} = v.column2), s.seq"
        f" FROM {rows}"
        f" JOIN {quote(Conversation._meta.db_table)} c ON c.id = v.column1"
        f" JOIN {quote(Ticket._meta.db_table)} t ON t.id = c.ticket_id"
        f" LEFT JOIN {quote(Message._meta.db_table)} s"
        " ON s.ticket_id = c.ticket_id AND s.client_id = v.column3"
    )
    return sql, params


def agent_turn_read(conversation_id: int, user: Any) -> AgentTurn | None:
    """The conversation, its ticket's status and the agent's membership of its queue."""
    return agent_turns_read([(conversation_id, user)])[0]


def agent_turns_read(
    requests: Sequence[tuple[int, Any]], client_ids: Sequence[str | None] | None = None
) -> list[AgentTurn | None]:
    """`agent_turn_read` for several (conversation id, agent) pairs in one statement, in
    order (None for a conversation that does not exist). With `client_ids` (one per request,
    as stored), each turn also says whether its ticket already holds that client id
    (`stored_seq`): the dedupe lookup of the reply service, in the same statement.

    One statement where the permission check alone used to be a second query per turn, and
    written out: it runs for every agent turn (a process's batch of turns reads them all at
    once), and compiling the ORM's `Exists` subquery cost several times the query itself.
    """
    ids = list(client_ids) if client_ids is not None else [None] * len(requests)
    keys = list(
        dict.fromkeys(
            (conversation_id, user.pk, client_id)
            for (conversation_id, user), client_id in zip(requests, ids, strict=True)
        )
    )
    if not keys:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*_agent_turns_query(keys))
        rows = {(row[0], row[1], row[2]): row[3:] for row in cursor.fetchall()}
    turns: list[AgentTurn | None] = []
    for (conversation_id, user), client_id in zip(requests, ids, strict=True):
        row = rows.get((conversation_id, user.pk, client_id))
        if row is None:
            turns.append(None)
            continue
        ticket_id, ticket_status, state, agent_id, member, stored_seq = row
        works_all = is_supervisor(user)  # the role comes from the user's cached profile
        turns.append(
            AgentTurn(
                ticket_id=ticket_id,
                ticket_status=ticket_status,
                state=state,
                agent_id=agent_id,
                may_work=works_all or (is_agent(user) and bool(member)),
                works_all=works_all,
                stored_seq=stored_seq,
            )
        )
    return turns


def conversations_for_agent(user: Any, *, own_only: bool = False) -> list[Conversation]:
    """The agent's active chats and (unless own_only) the waiting chats of their queues,
    oldest wait first."""
    wanted = Q(agent=user, state=ConversationState.ACTIVE)
    if not own_only:
        queue_ids = [queue.pk for queue in agent_queues(user)]
        wanted |= Q(queue_id__in=queue_ids, state__in=WAITING_STATES)
    return list(
        Conversation.objects.select_related("ticket", "queue", "agent__agent_profile")
        .filter(wanted)
        .order_by("waiting_since", "pk")
    )


def conversation_summaries(conversations: list[Conversation]) -> list[dict[str, Any]]:
    """Summaries with one batched presence read for all of them."""
    online = leases.lease_counts(leases.customer_key(c.ticket_id) for c in conversations)
    return [
        conversation_summary(c, online[leases.customer_key(c.ticket_id)]) for c in conversations
    ]


def queue_position(conversation: Conversation) -> int:
    """1 for the next chat to be served in its queue."""
    ahead = (
        Conversation.objects.filter(
            queue_id=conversation.queue_id,
            state__in=WAITING_STATES,
        )
        .filter(
            Q(waiting_since__lt=conversation.waiting_since)
            | Q(waiting_since=conversation.waiting_since, pk__lt=conversation.pk)
        )
        .count()
    )
    return ahead + 1


@dataclass(frozen=True)
class AgentLoad:
    user: Any
    presence: str
    sockets: int
    active: int
    capacity: int

    @property
    def effective(self) -> str:
        if self.sockets == 0:
            return Presence.OFFLINE
        return self.presence

    @property
    def available(self) -> bool:
        return self.effective == Presence.ONLINE and self.active < self.capacity


def agent_loads(users: Any) -> list[AgentLoad]:
    users = list(
        users.select_related("agent_profile").annotate(
            n_active=Count(
                "chat_conversations", filter=Q(chat_conversations__state=ConversationState.ACTIVE)
            )
        )
    )
    counts = leases.lease_counts(leases.agent_key(user.pk) for user in users)
    result = []
    for user in users:
        profile = getattr(user, "agent_profile", None)
        result.append(
            AgentLoad(
                user=user,
                presence=profile.presence if profile else Presence.OFFLINE,
                sockets=counts.get(leases.agent_key(user.pk), 0),
                active=user.n_active,
                capacity=profile.chat_capacity if profile else 0,
            )
        )
    return result


def queue_agent_loads(queue: Queue) -> list[AgentLoad]:
    return agent_loads(queue.members.filter(is_active=True))


def agent_load(user: Any) -> AgentLoad:
    return agent_loads(get_user_model().objects.filter(pk=user.pk))[0]


def messages_after(
    ticket_id: int, after: int, *, upto: int | None = None, include_internal: bool = False
) -> list[dict[str, Any]]:
    """Timeline payloads with seq > after (and <= upto), in order."""
    query = Message.objects.select_related("ticket").filter(ticket_id=ticket_id, seq__gt=after)
    if upto is not None:
        query = query.filter(seq__lte=upto)
    if not include_internal:
        query = query.filter(internal=False)
    return [message_payload(message) for message in query.order_by("seq")]
