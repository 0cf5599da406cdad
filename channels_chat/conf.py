"""Chat settings: a Django setting `CHAT_<NAME>` wins, then the environment, then the default.

Read at call time, so tests and the benchmark can change them per process (daphne env vars).
"""

from __future__ import annotations

import os

from django.conf import settings

DEFAULTS: dict[str, float] = {
    # Largest websocket frame accepted, in bytes, and longest message text, in characters.
    "MAX_FRAME_BYTES": 16384,
    "MAX_TEXT_CHARS": 4000,
    # Token bucket per socket: sustained frames per second and burst size.
    "RATE_PER_SECOND": 5,
    "RATE_BURST": 20,
    # A waiting chat nobody accepts within this many seconds falls back to email.
    "ACCEPT_TIMEOUT": 120,
    # An offer to one agent moves on to another after this many seconds.
    "OFFER_TIMEOUT": 30,
    # How often a waiting customer's socket re-checks position, offers and the timeout.
    "TICK_SECONDS": 3,
    # Socket leases (presence across processes) expire unless refreshed.
    "LEASE_SECONDS": 60,
    # How often each process probes the channel layer's Redis for a restart or an outage.
    "WATCH_SECONDS": 1,
    # A resume token works this many hours after the chat ended (and never after MAX_AGE days).
    "RESUME_GRACE_HOURS": 24,
    "RESUME_MAX_AGE_DAYS": 30,
    # Validate every frame the server sends against protocol.py (tests and development).
    "CHECK_FRAMES": 0,
    # Group commit of chat turns (`channels_chat.writer`): batches in flight per process, and
    # the most turns one batch takes.
    "WRITERS": 1,
    "BATCH_MAX": 64,
    # The bench-only relay route (no storage) is mounted only when this is 1.
    "BENCH_RELAY": 0,
}


def chat_setting(name: str) -> float:
    value = getattr(settings, f"CHAT_{name}", None)
    if value is None:
        value = os.environ.get(f"CHAT_{name}")
    return float(value) if value is not None else DEFAULTS[name]


def chat_int(name: str) -> int:
    return int(chat_setting(name))
