"""Search and suggestions over the published articles a viewer may see."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from helpdesk.models import Category
from knowledgebase.search import Doc, Hit
from knowledgebase.services.index import index_get

MAX_QUERY_CHARS = 2000
MAX_LIMIT = 50
# Below this a match is too weak to suggest unprompted (the search page still lists it).
SUGGEST_MIN_SCORE = 1.0


def _allow(*, internal: bool, area: str | None) -> Any:
    def allow(doc: Doc) -> bool:
        if not doc.published or (not doc.public and not internal):
            return False
        return area is None or doc.area == area

    return allow


def articles_search(
    query: str,
    *,
    limit: int = 10,
    internal: bool = False,
    language: str | None = None,
    area: str | None = None,
) -> list[Hit]:
    """Published articles matching `query`, best first, one per translation.

    Internal (agent-only) articles only when `internal`; drafts never. `language` prefers
    that version of each article; it does not drop articles that only exist in another.
    """
    query = (query or "")[:MAX_QUERY_CHARS]
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not query.strip():
        return []
    return index_get().search(
        query,
        allow=_allow(internal=internal, area=area),
        limit=limit,
        prefer_language=language if language in ("es", "en") else None,
    )


def hit_as_dict(hit: Hit, *, details: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "slug": hit.doc.slug,
        "title": hit.doc.title,
        "category": hit.doc.area,
        "score": hit.score,
    }
    if details:
        data.update(
            {
                "url": reverse("kb:article", args=[hit.doc.slug]),
                "summary": hit.doc.summary,
                "language": hit.doc.language,
                "category_label": str(Category(hit.doc.area).label),
                "internal": not hit.doc.public,
            }
        )
    return data


def kb_suggest(
    text: str, *, limit: int = 3, language: str = "es", internal: bool = False
) -> list[dict[str, Any]]:
    """Articles worth suggesting for what a customer (or a ticket) says, as JSON-ready dicts.

    Each item: slug, title, category, score, url, summary, language, category_label, internal.
    Weak matches are left out, so an unrelated text gives an empty list.
    """
    hits = articles_search(text, limit=limit, internal=internal, language=language)
    return [hit_as_dict(h, details=True) for h in hits if h.score >= SUGGEST_MIN_SCORE]
