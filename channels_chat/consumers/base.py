"""What both chat sockets share: parsing, flood control, error frames, leases, dedupe.

Leases are refreshed, and sockets closed on a Redis restart, by `channels_chat.heartbeat`."""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer

from channels_chat import leases, stamps
from channels_chat.conf import chat_int, chat_setting
from channels_chat.dbhop import db
from channels_chat.heartbeat import heartbeat
from channels_chat.protocol import ProtocolError, client_frame_parse, server_frame_problems
from channels_chat.throttle import TokenBucket

log = logging.getLogger(__name__)


class RecentKeys:
    """A bounded memory of keys already handled (a socket can be in several groups)."""

    def __init__(self, size: int = 512) -> None:
        self.size = size
        self.keys: OrderedDict[Any, None] = OrderedDict()

    def seen(self, key: Any) -> bool:
        if key in self.keys:
            return True
        self.keys[key] = None
        if len(self.keys) > self.size:
            self.keys.popitem(last=False)
        return False


class ChatSocket(AsyncWebsocketConsumer):
    frames: dict[str, tuple[type, ...]] = {}
    customer = False

    async def connect(self) -> None:
        self.bucket = TokenBucket(chat_setting("RATE_PER_SECOND"), chat_setting("RATE_BURST"))
        self.check_frames = bool(chat_int("CHECK_FRAMES"))
        self.joined: set[str] = set()
        self.lease_keys: set[str] = set()
        self.tasks: list[asyncio.Task] = []
        self.recent = RecentKeys()
        # Per conversation: when the newest change this socket acted on was written.
        self.known_at: dict[int, str] = {}
        await self.accept()
        # Leases refreshed, and the socket closed when the channel layer's Redis restarts.
        heartbeat.register(self)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its `close_old_connections` hop before every message.

        Channels runs that hop (on the one shared sync thread) for each frame and each group
        event a socket handles, in case the handler uses the ORM on the event loop's behalf.
        These sockets never do: all their database work goes through `db()`, which tidies the
        connections of its own thread. Under the load benchmark the hop was about a quarter of
        the event loop's work.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def disconnect(self, code: int) -> None:
        heartbeat.unregister(self)
        for task in self.tasks:
            task.cancel()
        keys = list(self.lease_keys)
        self.lease_keys.clear()
        for key in keys:
            try:
                await db(leases.lease_close)(key, self.channel_name)
            except Exception:
                log.warning("lease close failed", exc_info=True)
        for group in list(self.joined):
            try:
                await self.channel_layer.group_discard(group, self.channel_name)
            except Exception:  # the layer may be down (Redis restart): nothing to undo then
                log.debug("group_discard failed", exc_info=True)

    async def send_frame(self, frame: dict[str, Any]) -> None:
        if self.check_frames and (problems := server_frame_problems(frame, customer=self.customer)):
            log.error("invalid server frame %s: %s", frame.get("type"), problems)
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def join(self, group: str) -> None:
        if group not in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
            self.joined.add(group)

    async def leave(self, group: str) -> None:
        if group in self.joined:
            self.joined.discard(group)
            await self.channel_layer.group_discard(group, self.channel_name)

    async def lease(self, key: str) -> None:
        """Count this socket under `key` (presence); the process heartbeat keeps it fresh."""
        self.lease_keys.add(key)
        await db(leases.lease_open)(key, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        raw = text_data if text_data is not None else bytes_data
        try:
            if not self.bucket.allow():
                raise ProtocolError("rate_limited")
            frame = client_frame_parse(
                raw,
                self.frames,
                max_bytes=chat_int("MAX_FRAME_BYTES"),
                max_text=chat_int("MAX_TEXT_CHARS"),
            )
            stamps.stamp(frame.get("id"), "received")
            await getattr(self, f"on_{frame['type']}")(frame)
        except ProtocolError as exc:
            await self.send_frame(exc.frame())
        except Exception:
            log.exception("chat frame failed")
            client_id = None
            try:
                parsed = json.loads(raw or "")
                client_id = parsed.get("id") if isinstance(parsed, dict) else None
            except ValueError:
                pass
            await self.send_frame(
                ProtocolError(
                    "server_error", client_id=client_id if isinstance(client_id, str) else None
                ).frame()
            )

    async def on_ping(self, frame: dict[str, Any]) -> None:
        await self.send_frame({"type": "pong"})

    async def hd_event(self, event: dict[str, Any]) -> None:
        handler = getattr(self, "event_" + event["event"].replace(".", "_"), None)
        if handler is not None:
            await handler(event["data"])

    async def hd_batch(self, batch: dict[str, Any]) -> None:
        """Several events for one group, coalesced by the sender (`helpdesk.realtime`)."""
        for event in batch["events"]:
            await self.hd_event(event)

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["sender"] == self.channel_name:
            return
        if self.customer and event["from"] == "customer":
            return
        await self.send_frame(
            {
                "type": "typing",
                "conversation": event["conversation"],
                "name": event["name"],
                "active": event["active"],
            }
        )

    async def typing_send(
        self, group: str, conversation: int, name: str, active: bool, sender_kind: str
    ) -> None:
        # Typing is ephemeral and never stored, so it skips the after-commit event path.
        await self.channel_layer.group_send(
            group,
            {
                "type": "chat.typing",
                "conversation": conversation,
                "name": name,
                "active": active,
                "from": sender_kind,
                "sender": self.channel_name,
            },
        )
