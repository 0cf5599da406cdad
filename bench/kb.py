"""Knowledge-base search benchmark: quality on the evaluation set and latency at scale.

Runs the real service path (`articles_search`: cached in-memory index, stamp check against the
database every couple of seconds) on a scratch PostgreSQL database `bench_kb`:
1. the ~90 real articles (45 Spanish + 45 English) from knowledgebase/content: top-1/top-3
   area hit rates on tests/knowledgebase/eval_queries.jsonl, and p50/p95 latency (baseline);
2. plus 5,000 generated articles built from the real ones' sentences and vocabulary: index
   build time, p50/p95 latency (target p95 < 10 ms), ratio against the baseline, and the
   hit rates again (now with thousands of near-duplicates competing).
"""

from __future__ import annotations

import io
import json
import random
import statistics
import time
from pathlib import Path

from bench.scratch import scratch_database

GENERATED = 5000
REPEATS = 5
TARGETS = {"top1": 0.90, "top3": 0.97, "p95_ms_5000": 10.0}
EVAL = Path(__file__).resolve().parent.parent / "tests" / "knowledgebase" / "eval_queries.jsonl"


def _rows() -> list[dict]:
    return [json.loads(line) for line in EVAL.read_text(encoding="utf-8").splitlines() if line]


def _quality(rows: list[dict]) -> dict:
    from knowledgebase.services import articles_search

    top1 = top3 = 0
    for row in rows:
        areas = [h.doc.area for h in articles_search(row["q"], limit=3)]
        top1 += bool(areas) and areas[0] == row["area"]
        top3 += row["area"] in areas
    return {
        "queries": len(rows),
        "top1": round(top1 / len(rows), 4),
        "top3": round(top3 / len(rows), 4),
    }


def _latency(rows: list[dict]) -> dict:
    from knowledgebase.services import articles_search

    timings = []
    for _ in range(REPEATS):
        for row in rows:
            started = time.perf_counter()
            articles_search(row["q"], limit=10)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "searches": len(timings),
        "p50_ms": round(statistics.median(timings), 3),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 3),
        "max_ms": round(timings[-1], 3),
    }


def _generate(count: int) -> None:
    from knowledgebase.models import Article, ArticleStep, Status, Visibility

    rng = random.Random(7)
    templates = list(
        Article.objects.filter(visibility=Visibility.PUBLIC)
        .select_related("section")
        .prefetch_related("steps", "causes")
    )
    # Each area's own words: generated articles read like more articles of that area.
    vocabulary: dict[str, list[str]] = {}
    for article in templates:
        words = (article.title + " " + article.summary).split()
        vocabulary.setdefault(article.section.area, []).extend(w for w in words if len(w) > 3)
    articles = []
    sentences: list[list[str]] = []
    for n in range(count):
        base = rng.choice(templates)
        lines = [s.text for s in base.steps.all()] + [c.text for c in base.causes.all()]
        rng.shuffle(lines)
        own = vocabulary[base.section.area]
        extra = " ".join(rng.choices(own, k=12))
        articles.append(
            Article(
                slug=f"gen-{n:05d}",
                language=base.language,
                section=base.section,
                title=f"{base.title} ({rng.choice(own)} {n})",
                summary=f"{base.summary} {extra}",
                symptoms=base.symptoms,
                contact_support=base.contact_support,
                keywords=", ".join(
                    rng.sample(base.keyword_list(), k=min(3, len(base.keyword_list())))
                ),
                status=Status.PUBLISHED,
                visibility=Visibility.PUBLIC,
            )
        )
        sentences.append(lines[: rng.randint(3, len(lines))])
    created = Article.objects.bulk_create(articles, batch_size=1000)
    steps = [
        ArticleStep(article=a, order=i, text=t)
        for a, lines in zip(created, sentences, strict=True)
        for i, t in enumerate(lines, 1)
    ]
    ArticleStep.objects.bulk_create(steps, batch_size=2000)


def run() -> dict:
    from knowledgebase.seed import seed
    from knowledgebase.services.index import index_get, index_invalidate

    rows = _rows()
    figures: dict = {"targets": TARGETS}
    with scratch_database("bench_kb"):
        seed(io.StringIO())
        index_invalidate()
        started = time.perf_counter()
        real = index_get()
        figures["real"] = {
            "articles": len(real),
            "index_build_ms": round((time.perf_counter() - started) * 1000, 1),
            **_quality(rows),
            **_latency(rows),
        }
        _generate(GENERATED)
        index_invalidate()
        started = time.perf_counter()
        big = index_get()
        figures["generated"] = {
            "articles": len(big),
            "index_build_ms": round((time.perf_counter() - started) * 1000, 1),
            **_latency(rows),
            **_quality(rows),
        }
    figures["p95_ratio_vs_real"] = round(
        figures["generated"]["p95_ms"] / max(figures["real"]["p95_ms"], 1e-6), 2
    )
    figures["meets_targets"] = (
        figures["real"]["top1"] >= TARGETS["top1"]
        and figures["real"]["top3"] >= TARGETS["top3"]
        and figures["generated"]["p95_ms"] < TARGETS["p95_ms_5000"]
    )
    return figures
