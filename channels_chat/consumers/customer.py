"""`/ws/chat/`: the customer's socket. One conversation per socket, started or resumed by hello.

Ordering: messages reach the customer in seq order, each once (`channels_chat.ordering`). A
live event that skips seqs (events from several processes can overtake each other) is held and
the gap read from the database; a gap the read does not show yet is read again a little later.
The socket passes over a seq only once it holds that seq's row or event.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from channels_chat import groups, leases, stamps
from channels_chat.conf import chat_setting
from channels_chat.consumers.base import ChatSocket
from channels_chat.dbhop import db
from channels_chat.models import WAITING_STATES, Conversation, ConversationState
from channels_chat.ordering import Payload, TimelineCursor
from channels_chat.protocol import (
    CLOSE_RECONNECT,
    CUSTOMER_FRAMES,
    ProtocolError,
    message_frame,
)
from channels_chat.selectors import agent_display, messages_after, queue_position
from channels_chat.services.conversations import (
    CustomerSide,
    conversation_close,
    conversation_open,
    conversation_resume,
)
from channels_chat.services.turns import CustomerLine
from channels_chat.writer import turn_store

log = logging.getLogger(__name__)

# Pauses before reading a gap again that the first read did not show (seconds); after the last
# the gap is given up (a message that will never be read) and what is held goes out.
GAP_RETRY_DELAYS = (0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0)
# A second look at the timeline this long after joining. A group join only sends SUBSCRIBE:
# on a busy machine Redis may still take a PUBLISH from another process before it, and a line
# committed after the first read but published before the subscription would otherwise wait
# for the next event's gap read (or never show, if it was the last).
JOIN_RECHECK_SECONDS = 1.0


def _welcome_state(conversation_id: int) -> tuple[Conversation, dict[str, Any]]:
    """Read after joining the groups: a change made meanwhile is in it or arrives as an event."""
    conversation = Conversation.objects.select_related(
        "ticket", "queue", "agent__agent_profile"
    ).get(pk=conversation_id)
    waiting = conversation.state in WAITING_STATES
    return conversation, {
        "queue_name": conversation.queue.name,
        "position": queue_position(conversation) if waiting else None,
        "agent": agent_display(conversation.agent) if conversation.agent_id else None,
    }


class CustomerConsumer(ChatSocket):
    frames = CUSTOMER_FRAMES
    customer = True

    async def connect(self) -> None:
        self.conversation_id: int | None = None
        self.ticket_id: int | None = None
        self.ticket_reference = ""
        self.side: CustomerSide | None = None
        self.ended = False  # the chat ended (welcome state or the `ended` notice)
        self.cursor = TimelineCursor()
        # Held by whoever moves the cursor: the socket's own dispatch or a gap's later re-read.
        self.order_lock = asyncio.Lock()
        self.customer_name = ""
        await super().connect()

    async def _start(self, conversation: Conversation, resume: str, after: int) -> None:
        self.conversation_id = conversation.pk
        self.ticket_id = conversation.ticket_id
        self.ticket_reference = conversation.ticket.reference
        self.customer_name = conversation.customer_name
        self.side = CustomerSide.of(conversation)
        try:
            # Join before reading, so nothing committed in between is missed; the cursor drops
            # what the replay already sent.
            await self.join(groups.ticket_public_group(conversation.ticket_id))
            await self.join(groups.conversation_group(conversation.pk))
            await self.lease(leases.customer_key(conversation.ticket_id))
        except Exception:
            # The channel layer is down (Redis restarting): closing makes the client reconnect
            # (and resume, when it has its token) once Redis is back.
            log.warning("joining the conversation failed; closing", exc_info=True)
            await self.close(code=CLOSE_RECONNECT)
            return
        conversation, state = await db(_welcome_state)(conversation.pk)
        self.ended = conversation.state == ConversationState.ENDED
        await self.send_frame(
            {
                "type": "welcome",
                "conversation": conversation.pk,
                "ticket": conversation.ticket.reference,
                "resume": resume,
                "queue": conversation.queue.slug,
                "queue_name": state["queue_name"],
                "position": state["position"],
                "state": conversation.state,
                "agent": state["agent"],
                "offline": conversation.offline,
                "after": after,
            }
        )
        async with self.order_lock:
            self.cursor = TimelineCursor(after)
            if await self._catch_up(upto=None):  # a hole in the replay itself
                self._gap_fill_start()
        self.tasks.append(asyncio.create_task(self._recheck(), name="recheck"))
        if conversation.state in WAITING_STATES:
            self._tick_start()

    async def on_hello(self, frame: dict[str, Any]) -> None:
        if self.conversation_id is not None:
            raise ProtocolError("already_started")
        if "resume" in frame:
            conversation = await db(conversation_resume)(frame["resume"])
            await self._start(conversation, frame["resume"], frame["after"])
            return
        opened = await db(conversation_open)(
            name=frame["name"],
            email=frame["email"],
            topic=frame.get("topic", ""),
            queue=frame.get("queue", ""),
            language=frame.get("language", "es"),
        )
        await self._start(opened.conversation, opened.resume, 0)

    async def on_message(self, frame: dict[str, Any]) -> None:
        if self.side is None:
            raise ProtocolError("not_started", client_id=frame["id"])
        stored = await turn_store(
            CustomerLine(self.side, frame["id"], frame["text"], ended=self.ended)
        )
        await self.send_frame(
            {"type": "ack", "id": frame["id"], "seq": stored.seq, "duplicate": stored.duplicate}
        )
        stamps.stamp(frame["id"], "acked")

    async def on_typing(self, frame: dict[str, Any]) -> None:
        if self.conversation_id is None:
            raise ProtocolError("not_started")
        await self.typing_send(
            groups.conversation_group(self.conversation_id),
            self.conversation_id,
            self.customer_name,
            bool(frame.get("active", True)),
            "customer",
        )

    async def on_leave(self, frame: dict[str, Any]) -> None:
        if self.conversation_id is None:
            raise ProtocolError("not_started")
        await db(conversation_close)(self.conversation_id, by="customer")
        self.ended = True

    # --- live events ---------------------------------------------------------------------

    async def _send_messages(self, payloads: list[Payload]) -> None:
        for payload in payloads:
            frame = message_frame(payload, self.conversation_id, with_internal=False)
            await self.send_frame(frame)
            if payload["from"] != "customer":
                stamps.stamp(frame["id"], "delivered")

    async def _catch_up(self, upto: int | None) -> bool:
        """Read the timeline after the cursor (up to `upto`), internal notes included (their
        seqs are passed over, never sent), and send what that frees; whether a gap is left."""
        assert self.ticket_id is not None
        payloads = await db(messages_after)(
            self.ticket_id, self.cursor.at, upto=upto, include_internal=True
        )
        await self._send_messages(self.cursor.offer(payloads))
        return self.cursor.gap() is not None

    async def _gap_fill(self) -> None:
        """Read a gap again until it fills (a commit the first read did not see), then give up
        on it so that what is held behind it still goes out."""
        for delay in GAP_RETRY_DELAYS:
            await asyncio.sleep(delay)
            async with self.order_lock:
                gap = self.cursor.gap()
                try:
                    if gap is None or not await self._catch_up(upto=gap[1]):
                        return
                except Exception:  # the database is away a moment: try again after the pause
                    log.warning("reading a timeline gap failed", exc_info=True)
        async with self.order_lock:
            if (gap := self.cursor.gap()) is not None:
                log.warning("ticket %s: seqs after %s never read; skipped", self.ticket_id, gap[0])
                await self._send_messages(self.cursor.skip())

    async def _recheck(self) -> None:
        await asyncio.sleep(JOIN_RECHECK_SECONDS)
        try:
            async with self.order_lock:
                if await self._catch_up(upto=None):
                    self._gap_fill_start()
        except Exception:  # the next live event reads the gap again
            log.warning("timeline re-read after joining failed", exc_info=True)

    def _gap_fill_start(self) -> None:
        if not any(task.get_name() == "gap" and not task.done() for task in self.tasks):
            self.tasks = [task for task in self.tasks if not task.done()]
            self.tasks.append(asyncio.create_task(self._gap_fill(), name="gap"))

    async def event_message_added(self, data: dict[str, Any]) -> None:
        payload = data["message"]
        # The reference too: another installation sharing the channel layer's Redis prefix
        # (a test run beside a benchmark) has tickets with the same ids, and its seqs would
        # hold this socket's cursor on lines that never come.
        if (
            data["ticket"]["id"] != self.ticket_id
            or payload["ticket"] != self.ticket_reference
            or payload["seq"] <= self.cursor.at
        ):
            return
        async with self.order_lock:
            await self._send_messages(self.cursor.offer([payload]))
            gap = self.cursor.gap()
            if gap is not None and await self._catch_up(upto=gap[1]):
                self._gap_fill_start()

    async def event_chat_conversation(self, data: dict[str, Any]) -> None:
        summary = data["conversation"]
        if summary["id"] != self.conversation_id or self.recent.seen(data["event_id"]):
            return
        change = data["change"]
        conversation = summary["id"]
        # Whether this is the newest notice so far: they can overtake each other on their way
        # from several processes, and only the newest may stop the waiting tick.
        written = data.get("written_at") or ""
        newest = written >= self.known_at.get(conversation, "")
        if newest:
            self.known_at[conversation] = written
        if change == "accepted":
            if newest:
                # Served: the tick would only find that out with one more locked read.
                self._tick_stop()
            await self.send_frame(
                {
                    "type": "assigned",
                    "conversation": conversation,
                    "agent": summary["agent_name"] or "",
                }
            )
        elif change == "transferred":
            await self.send_frame(
                {
                    "type": "transferred",
                    "conversation": conversation,
                    "queue": summary["queue"],
                    "queue_name": data["queue_name"],
                }
            )
            self._tick_start()
        elif change == "offline":
            await self.send_frame(
                {"type": "offline", "conversation": conversation, "email": bool(summary["email"])}
            )
        elif change == "ended":
            self.ended = True
            await self.send_frame(
                {
                    "type": "closed",
                    "conversation": conversation,
                    "by": data["by"] if data["by"] in ("customer", "agent") else "system",
                }
            )

    # --- waiting ---------------------------------------------------------------------------

    def _tick_start(self) -> None:
        if not any(task.get_name() == "tick" and not task.done() for task in self.tasks):
            self.tasks.append(asyncio.create_task(self._tick(), name="tick"))

    def _tick_stop(self) -> None:
        for task in self.tasks:
            if task.get_name() == "tick":
                task.cancel()
        self.tasks = [task for task in self.tasks if task.get_name() != "tick"]

    async def _tick(self) -> None:
        from channels_chat.services.assignment import conversation_waiting_tick

        last: dict[str, Any] | None = None
        period = max(chat_setting("TICK_SECONDS"), 0.2)
        while self.conversation_id is not None:
            await asyncio.sleep(period)
            try:
                info = await db(conversation_waiting_tick)(self.conversation_id)
            except Exception:
                log.warning("waiting tick failed", exc_info=True)
                continue
            if info is None:
                return
            view = {
                "queue": info["queue"],
                "position": info["position"],
                "agents_online": info["agents_online"],
            }
            if view != last:
                last = view
                await self.send_frame(
                    {"type": "waiting", "conversation": self.conversation_id, **view}
                )
