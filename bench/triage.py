"""Triage benchmark: accuracy on the labelled set and classification speed.

Pure (no database): the classifier with the default rules and a realistic load of learned terms,
which is what `triage_decide` runs after its one cached snapshot lookup.
"""

from __future__ import annotations

import random
import statistics
import time

from helpdesk.triage.classifier import Learned, classify, learned_index
from helpdesk.triage.seed import DEFAULT_RULES
from tests.triage.evaluation import accuracy, eval_rows

TARGETS = {"queue": 0.92, "category": 0.85, "clarification_f1": 0.85}
# The blind splits were measured once, untouched, before any fix they inspired; today's figures
# on them are no longer blind. Recorded here so the honest number is not lost.
BLIND_FIRST_MEASUREMENT = {
    "n": 90,
    "queue": 0.944,
    "category": 0.922,
    "clarification_precision": 0.9,
    "clarification_recall": 0.692,
    "clarification_f1": 0.783,
}
LEARNED_TERMS = 5000
TIMED_MESSAGES = 6000


def run() -> dict:
    figures: dict = {"targets": TARGETS}
    for name, splits in (
        ("full", None),
        ("dev", ("dev",)),
        ("heldout", ("heldout",)),
        ("blind", ("blind", "blind2")),
    ):
        result = accuracy(eval_rows(splits), rules=DEFAULT_RULES)
        result["misses"] = len(result["misses"])
        figures[name] = result
    figures["meets_targets"] = all(
        figures[split][key] >= target
        for split in ("full", "heldout")
        for key, target in TARGETS.items()
    )
    figures["blind_first_measurement"] = BLIND_FIRST_MEASUREMENT
    figures["speed"] = _speed()
    return figures


def _speed() -> dict:
    rows = eval_rows()
    texts = [(row["text"], row.get("subject", "")) for row in rows]
    rng = random.Random(7)
    labels = [("queue", q) for q in ("technical", "billing", "sales")] + [
        ("category", c) for c in ("connection", "data", "sms", "calls", "device", "billing")
    ]
    learned = learned_index(
        Learned(f"term{i}" if i % 10 else "recarg", *rng.choice(labels), rng.uniform(-1, 3))
        for i in range(LEARNED_TERMS)
    )
    # Cold: the first pass fills the stemming and typo-correction caches.
    started = time.perf_counter()
    for text, subject in texts:
        classify(text, subject, rules=DEFAULT_RULES, learned=learned)
    cold = time.perf_counter() - started

    # Warm, with every message varied so whole-message caching cannot help.
    latencies = []
    started = time.perf_counter()
    for i in range(TIMED_MESSAGES):
        text, subject = texts[i % len(texts)]
        varied = f"{text} #{i}"
        t0 = time.perf_counter()
        classify(varied, subject, rules=DEFAULT_RULES, learned=learned)
        latencies.append(time.perf_counter() - t0)
    warm = time.perf_counter() - started

    long_text = " ".join(row["text"] for row in rows)[:20000]
    t0 = time.perf_counter()
    classify(long_text, rules=DEFAULT_RULES, learned=learned)
    long_ms = (time.perf_counter() - t0) * 1000
    latencies.sort()
    return {
        "messages": TIMED_MESSAGES,
        "learned_terms": LEARNED_TERMS,
        "rules": len(DEFAULT_RULES),
        "messages_per_s": round(TIMED_MESSAGES / warm, 1),
        "cold_first_pass_messages_per_s": round(len(texts) / cold, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 3),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 3),
        "max_ms": round(latencies[-1] * 1000, 3),
        "longest_message_20000_chars_ms": round(long_ms, 2),
    }
