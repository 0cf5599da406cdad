"""Listening to channel-layer groups from synchronous tests, with any layer.

The Redis pub/sub layer keeps one subscription per event loop and buffers nothing for a loop
that is gone, so a listener owns one loop for its whole life: join first, act, then collect.
Coalesced `hd.batch` messages are flattened into their events, in order.
"""

from __future__ import annotations

import asyncio
from typing import Any

from channels.layers import get_channel_layer

from helpdesk.realtime import realtime_drain


class LayerListener:
    def __init__(self, *groups: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.layer = get_channel_layer()
        self.channel = self.loop.run_until_complete(self._join(groups))

    async def _join(self, groups: tuple[str, ...]) -> str:
        channel = await self.layer.new_channel()
        for group in groups:
            await self.layer.group_add(group, channel)
        return channel

    async def _collect(self, quiet: float) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        while True:
            try:
                message = await asyncio.wait_for(self.layer.receive(self.channel), quiet)
            except TimeoutError:
                return found
            found.extend(message["events"] if message["type"] == "hd.batch" else [message])

    def messages(self, quiet: float = 1.0) -> list[dict[str, Any]]:
        """Every `hd.event` received so far, waiting until `quiet` seconds pass without one."""
        realtime_drain()
        return self.loop.run_until_complete(self._collect(quiet))

    def events(self, quiet: float = 1.0) -> list[tuple[str, dict[str, Any]]]:
        return [(m["event"], m["data"]) for m in self.messages(quiet)]

    def close(self) -> None:
        self.loop.close()
