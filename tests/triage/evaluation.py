"""The labelled evaluation set and the accuracy figures over it (shared by tests and bench).

`eval_set.jsonl`, one message per line with its expected queue, category and clarification flag,
all written by hand in the voice of customers and points of sale from several Latin-American
countries (plus some English). Splits, in the order they were written:
- `dev` (207): written before the lexicon; the lexicon was then written and tuned against it.
- `heldout` (40): written together with `dev`, never tuned on.
- `blind` (40) and `blind2` (50): written after the classifier was frozen, measured once, and only
  then used to fix general mistakes; their first-measurement figures are in the closing report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from helpdesk.triage.classifier import Rule, classify

EVAL_SET = Path(__file__).with_name("eval_set.jsonl")


def eval_rows(splits: Iterable[str] | None = None) -> list[dict]:
    rows = [json.loads(line) for line in EVAL_SET.read_text().splitlines() if line.strip()]
    if splits is None:
        return rows
    wanted = set(splits)
    return [row for row in rows if row["split"] in wanted]


def accuracy(rows: list[dict], rules: Iterable[Rule] = ()) -> dict:
    """Queue and fault-area accuracy, clarification precision/recall/F1, and the misses."""
    rules = tuple(rules)
    queue_ok = category_ok = tp = fp = fn = 0
    misses = []
    for row in rows:
        result = classify(row["text"], row.get("subject", ""), rules=rules)
        queue_ok += result.queue == row["queue"]
        category_ok += result.category == row["category"]
        tp += result.clarification and row["clarification"]
        fp += result.clarification and not row["clarification"]
        fn += row["clarification"] and not result.clarification
        if (result.queue, result.category, result.clarification) != (
            row["queue"],
            row["category"],
            row["clarification"],
        ):
            misses.append((row["text"], row["category"], result.category, result.clarification))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    total = len(rows) or 1
    return {
        "n": len(rows),
        "queue": round(queue_ok / total, 4),
        "category": round(category_ok / total, 4),
        "clarification_precision": round(precision, 4),
        "clarification_recall": round(recall, 4),
        "clarification_f1": round(f1, 4),
        "misses": misses,
    }
