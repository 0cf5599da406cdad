"""Accuracy targets on the labelled evaluation set (issue 2): queue ≥ 92 %, area ≥ 85 %,
clarification F1 ≥ 0.85, on the whole set and on the held-out part."""

from collections import Counter

import pytest

from helpdesk.triage.seed import DEFAULT_RULES
from tests.triage.evaluation import accuracy, eval_rows

pytestmark = pytest.mark.core


def test_the_set_is_big_and_varied():
    rows = eval_rows()
    assert len(rows) >= 180
    splits = Counter(row["split"] for row in rows)
    assert splits["heldout"] >= 40 and splits["dev"] >= 180
    categories = Counter(row["category"] for row in rows)
    assert set(categories) == {
        "connection",
        "data",
        "sms",
        "calls",
        "device",
        "billing",
        "sales",
        "other",
    }
    assert min(categories.values()) >= 10
    assert sum(row["clarification"] for row in rows) >= 30
    assert sum(len(row["text"].split()) == 1 for row in rows) >= 15
    english = sum(
        " the " in f" {row['text'].lower()} " or " my " in f" {row['text'].lower()} "
        for row in rows
    )
    assert english >= 10


@pytest.mark.parametrize(
    "splits",
    [None, ("heldout",), ("blind", "blind2")],
    ids=["all", "heldout", "blind"],
)
def test_accuracy_targets(splits):
    figures = accuracy(eval_rows(splits))
    assert figures["queue"] >= 0.92, figures["misses"]
    assert figures["category"] >= 0.85, figures["misses"]
    assert figures["clarification_f1"] >= 0.85, figures["misses"]


def test_default_rules_do_not_hurt_accuracy():
    plain = accuracy(eval_rows())
    seeded = accuracy(eval_rows(), rules=DEFAULT_RULES)
    assert seeded["queue"] >= plain["queue"] - 0.01
    assert seeded["category"] >= plain["category"] - 0.01
