"""Search quality on realistic customer queries (eval_queries.jsonl): top-1 and top-3 areas."""

import json
from pathlib import Path

import pytest

from knowledgebase.services import articles_search

pytestmark = [pytest.mark.core, pytest.mark.django_db]

EVAL = Path(__file__).with_name("eval_queries.jsonl")


def eval_rows():
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]


def test_eval_set_is_large_and_varied():
    rows = eval_rows()
    assert len(rows) >= 60
    assert {r["area"] for r in rows} == {"connection", "data", "sms", "calls", "device", "billing"}
    assert sum(1 for r in rows if len(r["q"].split()) == 1) >= 10


def test_top1_and_top3_hit_rates(kb_content):
    rows = eval_rows()
    top1 = top3 = 0
    misses = []
    for row in rows:
        areas = [h.doc.area for h in articles_search(row["q"], limit=3)]
        top1 += bool(areas) and areas[0] == row["area"]
        top3 += row["area"] in areas
        if not areas or areas[0] != row["area"]:
            misses.append((row["q"], row["area"], areas))
    assert top1 / len(rows) >= 0.90, misses
    assert top3 / len(rows) >= 0.97, misses
