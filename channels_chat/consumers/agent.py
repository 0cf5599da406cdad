"""`/ws/agent/`: an agent's socket (session cookie or `?token=`).

Joins the agent's own group, the chat and ticket groups of their queues (unless connected with
`?scope=own`, which keeps only the agent's own chats: the load benchmark uses it), and the
conversation groups of their active chats.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from django.utils import timezone

from channels_chat import groups, leases, stamps
from channels_chat.consumers.base import ChatSocket
from channels_chat.dbhop import db
from channels_chat.models import Conversation, ConversationState
from channels_chat.protocol import (
    AGENT_FRAMES,
    CLOSE_UNAUTHENTICATED,
    ProtocolError,
    message_frame,
)
from channels_chat.selectors import (
    agent_display,
    agent_load,
    agent_may_work,
    agent_queues,
    conversation_get,
    conversation_summaries,
    conversations_for_agent,
    messages_after,
)
from channels_chat.services.assignment import (
    conversation_accept,
    conversation_transfer,
    presence_set,
)
from channels_chat.services.conversations import conversation_close
from channels_chat.services.turns import AgentLine
from channels_chat.writer import turn_store
from helpdesk.models.agents import Presence
from helpdesk.permissions import is_agent, is_supervisor


def _agent_start(user: Any) -> dict[str, Any]:
    """Identity, queues and presence at connect (going online if the agent was offline)."""
    if not is_agent(user):
        return {}
    load = agent_load(user)
    if load.presence == Presence.OFFLINE:
        load = presence_set(user, Presence.ONLINE)
    return {
        "supervisor": is_supervisor(user),
        "name": agent_display(user),
        "queues": [queue.slug for queue in agent_queues(user)],
        "presence": load.presence,
        "capacity": load.capacity,
    }


def _agent_conversations(user: Any, own_only: bool) -> list[dict[str, Any]]:
    return conversation_summaries(conversations_for_agent(user, own_only=own_only))


def _conversation_of(ticket_id: int) -> int | None:
    return (
        Conversation.objects.filter(ticket_id=ticket_id)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )


class AgentConsumer(ChatSocket):
    frames = AGENT_FRAMES

    async def connect(self) -> None:
        self.user = self.scope.get("user")
        self.tickets: dict[int, int | None] = {}  # ticket id -> conversation id
        self.active: set[int] = set()
        self.own_only = False
        await super().connect()
        start = await db(_agent_start)(self.user) if self.user is not None else {}
        if not start:
            await self.send_frame(ProtocolError("unauthenticated").frame())
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.supervisor = start["supervisor"]
        self.name = start["name"]
        query = parse_qs(self.scope.get("query_string", b"").decode())
        own_only = self.own_only = query.get("scope", [""])[0] == "own"
        await self.join(groups.agent_group(self.user.pk))
        if not own_only:
            for slug in start["queues"]:
                await self.join(groups.chat_queue_group(slug))
                await self.join(groups.queue_group(slug))
            if self.supervisor:
                await self.join(groups.supervisors_group())
        await self.lease(leases.agent_key(self.user.pk))
        # Read after joining, so that no change in between is missed.
        conversations = await db(_agent_conversations)(self.user, own_only)
        for summary in conversations:
            await self._track(summary)
        await self.send_frame(
            {
                "type": "ready",
                "agent": self.user.pk,
                "name": self.name,
                "presence": start["presence"],
                "capacity": start["capacity"],
                "queues": start["queues"],
                "conversations": conversations,
            }
        )

    async def _track(self, summary: dict[str, Any]) -> None:
        conversation = summary["id"]
        self.tickets[summary["ticket_id"]] = conversation
        mine = summary["agent"] == self.user.pk and summary["state"] == ConversationState.ACTIVE
        if mine:
            self.active.add(conversation)
            await self.join(groups.conversation_group(conversation))
        elif conversation in self.active:
            self.active.discard(conversation)
            await self.leave(groups.conversation_group(conversation))

    # --- frames from the agent -----------------------------------------------------------

    async def on_accept(self, frame: dict[str, Any]) -> None:
        # Join before the accept commits: the customer may start typing the moment it hears.
        group = groups.conversation_group(frame["conversation"])
        await self.join(group)
        # Notices written before this accept (the conversation waiting) may still be on their
        # way; they must not undo it.
        self.known_at[frame["conversation"]] = timezone.now().isoformat()
        try:
            conversation = await db(conversation_accept)(frame["conversation"], agent=self.user)
        except Exception:
            if frame["conversation"] not in self.active:
                await self.leave(group)
            raise
        await self._track(
            {
                "id": conversation.pk,
                "ticket_id": conversation.ticket_id,
                "agent": self.user.pk,
                "state": conversation.state,
            }
        )

    async def on_message(self, frame: dict[str, Any]) -> None:
        stored = await turn_store(
            AgentLine(
                frame["conversation"],
                self.user,
                frame["id"],
                frame["text"],
                internal=bool(frame.get("internal", False)),
            )
        )
        await self.send_frame(
            {"type": "ack", "id": frame["id"], "seq": stored.seq, "duplicate": stored.duplicate}
        )
        stamps.stamp(frame["id"], "acked")

    async def on_typing(self, frame: dict[str, Any]) -> None:
        conversation = frame["conversation"]
        if conversation not in self.active:
            raise ProtocolError("forbidden")
        await self.typing_send(
            groups.conversation_group(conversation),
            conversation,
            self.name,
            bool(frame.get("active", True)),
            "agent",
        )

    async def on_transfer(self, frame: dict[str, Any]) -> None:
        await db(conversation_transfer)(
            frame["conversation"],
            actor=self.user,
            queue=frame.get("queue"),
            agent_id=frame.get("agent"),
            note=frame.get("note", ""),
        )

    async def on_close(self, frame: dict[str, Any]) -> None:
        await db(conversation_close)(frame["conversation"], by="agent", agent=self.user)

    async def on_presence(self, frame: dict[str, Any]) -> None:
        await db(presence_set)(self.user, frame["status"])

    async def on_history(self, frame: dict[str, Any]) -> None:
        def read() -> tuple[str, list[dict[str, Any]]]:
            conversation = conversation_get(frame["conversation"])
            if conversation is None:
                raise ProtocolError("not_found")
            if not agent_may_work(self.user, conversation):
                raise ProtocolError("forbidden")
            return conversation.ticket.reference, messages_after(
                conversation.ticket_id, frame.get("after", 0), include_internal=True
            )

        reference, payloads = await db(read)()
        conversation = frame["conversation"]
        await self.send_frame(
            {
                "type": "history",
                "conversation": conversation,
                "ticket": reference,
                "messages": [message_frame(p, conversation, with_internal=True) for p in payloads],
            }
        )

    # --- events ----------------------------------------------------------------------------

    async def event_message_added(self, data: dict[str, Any]) -> None:
        payload = data["message"]
        ticket_id = data["ticket"]["id"]
        # With the reference: an event of another installation on the same Redis prefix (same
        # ticket ids) must not stand in for this ticket's line of that seq.
        if self.recent.seen(("m", ticket_id, payload["ticket"], payload["seq"])):
            return
        if ticket_id not in self.tickets and data["ticket"]["channel"] == "chat":
            self.tickets[ticket_id] = await db(_conversation_of)(ticket_id)
        frame = message_frame(payload, self.tickets.get(ticket_id), with_internal=True)
        await self.send_frame(frame)
        if payload["from"] == "customer":
            stamps.stamp(frame["id"], "delivered")

    async def event_ticket_changed(self, data: dict[str, Any]) -> None:
        # `?scope=own` sockets only chat: the ticket list is the full console's business.
        if self.own_only:
            return
        ticket = data["ticket"]
        if self.recent.seen(("t", ticket["id"], ticket.get("updated_at"), data["change"])):
            return
        await self.send_frame({"type": "ticket", "change": data["change"], "ticket": ticket})

    async def event_chat_conversation(self, data: dict[str, Any]) -> None:
        if self.recent.seen(data["event_id"]):
            return
        conversation = data["conversation"]["id"]
        written = data.get("written_at") or ""
        if written and written < self.known_at.get(conversation, ""):
            return  # a notice older than a change this socket already acted on
        if written:
            self.known_at[conversation] = written
        await self._track(data["conversation"])
        await self.send_frame({"type": "conversation", "conversation": data["conversation"]})

    async def event_chat_presence(self, data: dict[str, Any]) -> None:
        if data["agent"] != self.user.pk and not self.supervisor:
            return
        await self.send_frame({"type": "presence", **data})
