"""Reads shared by the pages, the API and the agent suggestions."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils import translation

from helpdesk.models import Category
from knowledgebase.access import articles_visible
from knowledgebase.models import Article, Section


def language_active() -> str:
    language = (translation.get_language() or "es")[:2]
    return language if language in ("es", "en") else "es"


def articles_in_language(articles: list[Article], language: str) -> list[Article]:
    """One version of each article: the one in `language` when it exists."""
    chosen: dict[int, Article] = {}
    partner: dict[int, int] = {}
    for article in articles:
        if article.translation_id:
            partner[article.translation_id] = article.id
    for article in articles:
        key = min(article.id, article.translation_id or partner.get(article.id, article.id))
        current = chosen.get(key)
        if current is None or (article.language == language and current.language != language):
            chosen[key] = article
    return sorted(chosen.values(), key=lambda a: (a.section.order, a.title))


def areas_overview(user: Any, language: str, area: str | None = None) -> list[dict[str, Any]]:
    """Areas with their sections and articles (one language version each), in display order."""
    queryset = articles_visible(user)
    if area:
        queryset = queryset.filter(section__area=area)
    articles = articles_in_language(list(queryset), language)
    by_section: dict[int, list[Article]] = defaultdict(list)
    for article in articles:
        by_section[article.section_id].append(article)
    sections = Section.objects.all()
    if area:
        sections = sections.filter(area=area)
    areas: dict[str, dict[str, Any]] = {}
    for section in sections:
        items = by_section.get(section.id, [])
        if not items:
            continue
        entry = areas.setdefault(
            section.area,
            {
                "area": section.area,
                "label": Category(section.area).label,
                "sections": [],
                "count": 0,
            },
        )
        entry["sections"].append(
            {
                "section": section,
                "name": section.name(language),
                "description": section.description(language),
                "articles": items,
            }
        )
        entry["count"] += len(items)
    return list(areas.values())


def article_related(article: Article, user: Any, language: str) -> list[Article]:
    visible = articles_visible(user)
    related = list(visible.filter(pk__in=article.related.values("pk")))
    return articles_in_language(related, language)


def article_translation(article: Article, user: Any) -> Article | None:
    visible = articles_visible(user)
    if article.translation_id:
        return visible.filter(pk=article.translation_id).first()
    return visible.filter(translation=article).first()


def articles_by_slugs(slugs: list[str]) -> dict[str, Article]:
    return {a.slug: a for a in Article.objects.filter(slug__in=slugs).prefetch_related("steps")}


__all__ = [
    "article_related",
    "article_translation",
    "articles_by_slugs",
    "articles_in_language",
    "areas_overview",
    "language_active",
]
