"""Figures for supervisors: views, helpful percentage and deflected tickets."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from django.db.models import Count, Q, Sum

from helpdesk.models import Category
from knowledgebase.models import Article, ArticleViewDay, Deflection, Feedback


def _percent(yes: int, no: int) -> float | None:
    return round(100.0 * yes / (yes + no), 1) if yes + no else None


def kb_figures(*, since: date | None = None) -> dict[str, Any]:
    """Per-article and per-area figures (views, helpful %, deflections), busiest first.

    `since` limits views, answers and deflections to that day onwards.
    """
    views_q = ArticleViewDay.objects.all()
    feedback_q = Feedback.objects.all()
    deflection_q = Deflection.objects.filter(submitted_anyway=False)
    if since is not None:
        views_q = views_q.filter(day__gte=since)
        feedback_q = feedback_q.filter(created_at__date__gte=since)
        deflection_q = deflection_q.filter(created_at__date__gte=since)
    views = dict(
        views_q.values_list("article").annotate(n=Sum("views")).values_list("article", "n")
    )
    answers: dict[int, Any] = {
        row["article"]: row
        for row in feedback_q.values("article").annotate(
            yes=Count("id", filter=Q(helpful=True)), no=Count("id", filter=Q(helpful=False))
        )
    }
    deflections = dict(
        deflection_q.values_list("article").annotate(n=Count("id")).values_list("article", "n")
    )
    articles: list[dict[str, Any]] = []
    areas: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"articles": 0, "views": 0, "helpful": 0, "not_helpful": 0, "deflections": 0}
    )
    for article in Article.objects.select_related("section").order_by("slug"):
        yes = answers.get(article.id, {}).get("yes", 0)
        no = answers.get(article.id, {}).get("no", 0)
        row = {
            "slug": article.slug,
            "title": article.title,
            "language": article.language,
            "category": article.section.area,
            "status": article.status,
            "visibility": article.visibility,
            "views": views.get(article.id, 0),
            "helpful": yes,
            "not_helpful": no,
            "helpful_pct": _percent(yes, no),
            "deflections": deflections.get(article.id, 0),
        }
        articles.append(row)
        area = areas[article.section.area]
        area["articles"] += 1
        for key in ("views", "helpful", "not_helpful", "deflections"):
            area[key] += row[key]
    area_rows = [
        {
            "category": key,
            "label": str(Category(key).label),
            **value,
            "helpful_pct": _percent(value["helpful"], value["not_helpful"]),
        }
        for key, value in areas.items()
    ]
    area_rows.sort(key=lambda r: (-r["views"], -r["deflections"], r["category"]))
    articles.sort(key=lambda r: (-r["views"], -r["deflections"], r["slug"]))
    totals = {
        key: sum(r[key] for r in area_rows)
        for key in ("articles", "views", "helpful", "not_helpful", "deflections")
    }
    totals["helpful_pct"] = _percent(totals["helpful"], totals["not_helpful"])
    return {"areas": area_rows, "articles": articles, "totals": totals}
