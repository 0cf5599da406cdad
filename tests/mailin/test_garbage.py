"""The reader's garbage-collection settings (run in a fresh interpreter: they are process-wide)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.core

SCRIPT = """
import gc, json
from mailin.garbage import YOUNG_THRESHOLD, collector_settle
before = gc.get_threshold()
first = collector_settle()
frozen = gc.get_freeze_count()
second = collector_settle()
class Node:
    pass
a, b = Node(), Node()
a.other, b.other = b, a  # a cycle made after the freeze is still collected
del a, b
collected = gc.collect()
print(json.dumps({"before": before, "after": gc.get_threshold(), "first": first,
                  "second": second, "frozen": frozen, "refrozen": gc.get_freeze_count(),
                  "collected": collected, "young": YOUNG_THRESHOLD}))
"""


def test_collector_settle_freezes_once_raises_the_young_threshold_and_still_collects():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=60
    )
    figures = json.loads(done.stdout)
    assert figures["first"] is True
    assert figures["second"] is False
    assert figures["frozen"] > 1000  # the modules and objects loaded so far
    assert figures["refrozen"] == figures["frozen"]  # the second call froze nothing more
    assert figures["after"] == [figures["young"], *figures["before"][1:]]
    assert figures["collected"] >= 2
