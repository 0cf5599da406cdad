"""Meters for the load benchmarks: cores busy per process group, and the client's own lag.

Not a benchmark itself (`bench/__main__.py` skips it).
"""

from __future__ import annotations

import asyncio
import os
import time


def percentile(values: list[float], q: float) -> float | None:
    """The q-quantile of seconds, in milliseconds (None for no values)."""
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index] * 1000, 2)


class CpuMeter:
    """Cores busy per process group during a phase (Linux /proc): is the client the bottleneck?

    `client` is this process (the load generator), `daphne` the two servers, `postgres` the
    backends connected to the scratch database (those alive at both ends of the phase).
    """

    def __init__(self, daphne_pids: tuple[int, ...], database: str) -> None:
        self.daphne_pids = daphne_pids
        self.database = database

    @staticmethod
    def _ticks(pid: int) -> float:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _postgres(self) -> dict[int, float]:
        found: dict[int, float] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    line = cmdline.read()
            except OSError:
                continue
            if line.startswith(b"postgres:") and f" {self.database} ".encode() in line:
                found[int(entry)] = self._ticks(int(entry))
        return found

    def sample(self) -> tuple[float, float, float, dict[int, float]]:
        return (
            time.perf_counter(),
            time.process_time(),
            sum(self._ticks(pid) for pid in self.daphne_pids),
            self._postgres(),
        )

    def since(self, start: tuple[float, float, float, dict[int, float]]) -> dict[str, float]:
        wall, client, daphne, postgres = self.sample()
        elapsed = max(wall - start[0], 1e-9)
        pg = sum(postgres[pid] - start[3][pid] for pid in postgres if pid in start[3])
        return {
            "client": round((client - start[1]) / elapsed, 2),
            "daphne": round((daphne - start[2]) / elapsed, 2),
            "postgres": round(pg / elapsed, 2),
        }


class LoopLag:
    """How late the load generator's own event loop runs a timer (its lag), while started.

    A lagging client delays what it measures: a frame that arrived waits for the loop too.
    """

    PERIOD = 0.01

    def __init__(self) -> None:
        self.lags: list[float] = []
        self.task: asyncio.Task | None = None

    async def _probe(self) -> None:
        while True:
            due = time.perf_counter() + self.PERIOD
            await asyncio.sleep(self.PERIOD)
            self.lags.append(max(0.0, time.perf_counter() - due))

    def start(self) -> LoopLag:
        self.lags = []
        self.task = asyncio.get_running_loop().create_task(self._probe())
        return self

    def stop(self) -> dict[str, float | None]:
        if self.task is not None:
            self.task.cancel()
        return {"p50_ms": percentile(self.lags, 0.5), "p99_ms": percentile(self.lags, 0.99)}
