"""`make bench`: runs every benchmark module in its own process and prints one JSON document.

Each module `bench/NAME.py` exposes `run() -> dict`. `python -m bench NAME...` runs a subset.
"""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SKIP = {"__main__", "scratch", "one", "meters"}


def modules() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name not in SKIP)


def main() -> None:
    names = sys.argv[1:] or modules()
    results: dict[str, object] = {}
    for name in names:
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "bench.one", name],
            cwd=HERE.parent,
            capture_output=True,
            text=True,
            env=dict(os.environ),
            check=False,
        )
        elapsed = round(time.monotonic() - started, 1)
        try:
            figures = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            figures = {"error": (proc.stderr or proc.stdout)[-2000:]}
        figures["bench_seconds"] = elapsed
        results[name] = figures
        print(f"{name}: done in {elapsed}s", file=sys.stderr)
    print(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    if any("error" in figures for figures in results.values() if isinstance(figures, dict)):
        sys.exit(1)


if __name__ == "__main__":
    main()
