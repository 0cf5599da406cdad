"""The benchmark's baseline: a bare Channels relay (no storage, no auth, no validation).

Mounted at `/ws/bench/relay/?pair=N` only when CHAT_BENCH_RELAY=1.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer

from channels_chat import groups


class RelayConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        self.group = groups.bench_relay_group(int(query.get("pair", ["0"])[0]))
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        frame = json.loads(text_data or "{}")
        await self.send(text_data=json.dumps({"type": "ack", "id": frame.get("id"), "seq": 0}))
        await self.channel_layer.group_send(self.group, {"type": "relay.message", "frame": frame})

    async def relay_message(self, event: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(event["frame"]))
