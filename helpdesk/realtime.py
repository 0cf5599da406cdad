"""Realtime events, sent to channel-layer groups only after the transaction commits.

Services call `emit`; nothing else in the project calls `group_send` for domain events, so a
rolled-back change never shows up on a screen.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)


def _send(groups: tuple[str, ...], payload: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for group in groups:
        try:
            async_to_sync(layer.group_send)(group, payload)
        except Exception:  # a realtime hiccup must never undo a committed change
            log.exception("realtime send to %s failed", group)


def emit(groups: Iterable[str], event: str, data: dict[str, Any]) -> None:
    """Send `{"type": "hd.event", "event": event, "data": data}` to groups after commit.

    Consumers route `hd.event` messages by `event` name; `data` must be JSON-serialisable.
    """
    payload = {"type": "hd.event", "event": event, "data": data}
    frozen = tuple(dict.fromkeys(groups))
    transaction.on_commit(lambda: _send(frozen, payload))
