"""Where a chat turn's milliseconds go: opt-in stage stamps, and their summary.

With `CHAT_STAMPS_DIR` set (the load benchmark's `CHAT_BENCH_STAGES=1` does it), each process
appends `<client id> <stage> <seconds>` lines to `<dir>/stamps-<pid>.txt`. The clock is
`time.perf_counter()`, CLOCK_MONOTONIC on Linux, which is system-wide: stamps of the load
generator and of both daphnes compare. Without it, `stamp` is one test of a module constant.

Stages of a turn on the process that stores it: `received` (frame parsed on the event loop),
`batched` (its batch hops to a pool thread), `thread` (the batch starts on the thread),
`committed` (the batch's transactions returned), `stored` (back on the event loop), `acked`
(the ack handed to the socket). On the process of the other side: `delivered` (the `message`
frame handed to the socket). The client adds `sent` and `arrived`.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from collections.abc import Iterable, Mapping

DIRECTORY = os.environ.get("CHAT_STAMPS_DIR", "")
ON = bool(DIRECTORY)

# Consecutive stages of a turn's path, as reported: (name, from stage, to stage).
SPANS: tuple[tuple[str, str, str], ...] = (
    ("client_to_server", "sent", "received"),
    ("wait_for_writer", "received", "batched"),
    ("hop_to_thread", "batched", "thread"),
    ("store", "thread", "committed"),
    ("hop_back", "committed", "stored"),
    ("ack_out", "stored", "acked"),
    ("commit_to_other_side", "committed", "delivered"),
    ("server_to_client", "delivered", "arrived"),
    ("total", "sent", "arrived"),
)

_lines: list[str] = []
_lock = threading.Lock()


def stamp(client_id: str | None, stage: str) -> None:
    """Note that the turn `client_id` (as on the wire) reached `stage` now."""
    if ON and client_id:
        _lines.append(f"{client_id} {stage} {time.perf_counter():.6f}\n")


def stamps_flush() -> None:
    """Append what was stamped so far to this process's file."""
    global _lines
    with _lock:
        lines, _lines = _lines, []
        if lines:
            path = os.path.join(DIRECTORY, f"stamps-{os.getpid()}.txt")
            with open(path, "a", encoding="utf-8") as out:
                out.writelines(lines)


def _flush_every_second() -> None:
    while True:
        time.sleep(1.0)
        stamps_flush()


if ON:
    threading.Thread(target=_flush_every_second, name="chat-stamps", daemon=True).start()
    atexit.register(stamps_flush)


def stamps_read(directory: str) -> dict[str, dict[str, float]]:
    """Every file's stamps: client id -> stage -> time (the latest, if stamped twice)."""
    found: dict[str, dict[str, float]] = {}
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), encoding="utf-8") as lines:
            for line in lines:
                client_id, stage, at = line.split()
                found.setdefault(client_id, {})[stage] = float(at)
    return found


def _percentile(ordered: list[float], q: float) -> float:
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000, 2)


def stages_summarize(
    stamps: Mapping[str, Mapping[str, float]], client_ids: Iterable[str]
) -> dict[str, dict[str, float]]:
    """p50/p90/p99 in milliseconds of each span (`SPANS`) over the turns `client_ids`, with
    the number of turns that had both ends. A span nobody had is left out."""
    summary: dict[str, dict[str, float]] = {}
    wanted = [stamps[cid] for cid in client_ids if cid in stamps]
    for name, start, end in SPANS:
        values = sorted(s[end] - s[start] for s in wanted if start in s and end in s)
        if values:
            summary[name] = {
                "n": len(values),
                "p50": _percentile(values, 0.5),
                "p90": _percentile(values, 0.9),
                "p99": _percentile(values, 0.99),
            }
    return summary
