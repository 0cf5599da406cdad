"""`/ws/supervisor/`: the live dashboard socket. Thin: auth, group, snapshots, event relay."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from channels_chat import groups
from helpdesk.permissions import is_supervisor
from helpdesk.supervisor.selectors import dashboard_snapshot

# Events after which the aggregates change; a burst of them yields one snapshot.
SNAPSHOT_EVENTS = (
    "ticket.changed",
    "message.added",
    "sla.at_risk",
    "sla.breached",
    "agent.team_changed",
    "presence.changed",
    "chat.",
    "conversation.",
)
MIN_INTERVAL = 1.0


class SupervisorConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not await database_sync_to_async(is_supervisor)(user):
            await self.close(code=4403)
            return
        self.last_snapshot = 0.0
        self.pending: asyncio.Task | None = None
        await self.channel_layer.group_add(groups.supervisors_group(), self.channel_name)
        await self.accept()
        await self.send_snapshot()

    async def disconnect(self, code: int) -> None:
        if getattr(self, "pending", None):
            self.pending.cancel()  # type: ignore[union-attr]
        await self.channel_layer.group_discard(groups.supervisors_group(), self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "refresh":
            await self.send_snapshot()
        else:
            await self.send_json(
                {
                    "type": "error",
                    "code": "unknown_type",
                    "message": 'Solo se acepta {"type": "refresh"}.',
                }
            )

    async def send_snapshot(self) -> None:
        self.last_snapshot = time.monotonic()
        await self.send_json(await database_sync_to_async(dashboard_snapshot)())

    async def _later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self.pending = None
        await self.send_snapshot()

    async def hd_batch(self, batch: dict[str, Any]) -> None:
        """Several events coalesced by the sender (`helpdesk.realtime`), in order."""
        for message in batch["events"]:
            await self.hd_event(message)

    async def hd_event(self, message: dict[str, Any]) -> None:
        event = message.get("event", "")
        await self.send_json({"type": "event", "event": event, "data": message.get("data")})
        if not event.startswith(SNAPSHOT_EVENTS) or self.pending is not None:
            return
        wait = MIN_INTERVAL - (time.monotonic() - self.last_snapshot)
        if wait <= 0:
            await self.send_snapshot()
        else:
            self.pending = asyncio.ensure_future(self._later(wait))
