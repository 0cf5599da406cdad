"""Realtime notices of the chat lifecycle, sent after commit through helpdesk.realtime."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone

from channels_chat import groups
from channels_chat.models import Conversation
from channels_chat.selectors import AgentLoad, conversation_summary
from helpdesk import realtime


def conversation_emit(
    conversation: Conversation, change: str, *, extra_agents: tuple = (), by: str = ""
) -> None:
    """`chat.conversation` to the conversation, its queue's agents and the agents involved.

    `change` is one of opened, offered, accepted, transferred, offline, ended. Each notice
    carries an `event_id` so a socket that is in several of the groups shows it once.
    """
    target = [
        groups.conversation_group(conversation.pk),
        groups.chat_queue_group(conversation.queue.slug),
        groups.supervisors_group(),
    ]
    for user_id in (
        conversation.agent_id,
        conversation.offered_to_id,
        conversation.transfer_agent_id,
        *extra_agents,
    ):
        if user_id:
            target.append(groups.agent_group(user_id))
    data: dict[str, Any] = {
        "event_id": uuid.uuid4().hex,
        # When the change was written: events reach sockets asynchronously, and a socket uses
        # this to ignore a notice older than the state it already acted on.
        "written_at": timezone.now().isoformat(),
        "change": change,
        "by": by,
        "conversation": conversation_summary(conversation),
        "queue_name": conversation.queue.name,
    }
    realtime.emit(target, "chat.conversation", data)


def presence_emit(load: AgentLoad) -> None:
    realtime.emit(
        [groups.agent_group(load.user.pk), groups.supervisors_group()],
        "chat.presence",
        {
            "agent": load.user.pk,
            "status": load.presence,
            "effective": load.effective,
            "capacity": load.capacity,
            "active": load.active,
        },
    )
