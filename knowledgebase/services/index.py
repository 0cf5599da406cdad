"""The search index of this process: built from the database, cached, rebuilt on change.

Saving an article in this process marks the index stale at once; other processes (several
web workers) notice a change through a cheap stamp query made at most every `RECHECK_SECONDS`.
"""

from __future__ import annotations

import threading
import time

from django.db.models import Count, Max

from knowledgebase.search import Doc, SearchIndex

RECHECK_SECONDS = 2.0


class _State:
    def __init__(self) -> None:
        self.index: SearchIndex | None = None
        self.stamp: tuple | None = None
        self.checked = 0.0
        self.stale = True


_lock = threading.Lock()
_state = _State()


def index_invalidate() -> None:
    _state.stale = True


def _stamp() -> tuple:
    from knowledgebase.models import Article, ArticleStep

    articles = Article.objects.aggregate(n=Count("id"), at=Max("updated_at"), top=Max("id"))
    steps = ArticleStep.objects.aggregate(n=Count("id"), top=Max("id"))
    return (articles["n"], articles["at"], articles["top"], steps["n"], steps["top"])


def article_docs() -> list[Doc]:
    """Every article (drafts and internal included) as a plain search document."""
    from knowledgebase.models import Article, Status, Visibility

    rows = list(Article.objects.select_related("section").prefetch_related("steps", "causes"))
    # Python order, not the database's collation: ties rank the same on SQLite and PostgreSQL.
    rows.sort(key=lambda article: article.slug)
    partner = {a.id: a.translation_id for a in rows if a.translation_id}
    partner.update({b: a for a, b in list(partner.items())})
    docs = []
    for article in rows:
        body = "\n".join(
            [c.text for c in article.causes.all()]
            + [s.text for s in article.steps.all()]
            + [article.contact_support, article.body]
        )
        docs.append(
            Doc(
                id=article.id,
                slug=article.slug,
                title=article.title,
                area=article.section.area,
                section=article.section.slug,
                language=article.language,
                summary=article.summary,
                keywords=tuple(article.keyword_list()),
                symptoms=article.symptoms,
                body=body,
                group=str(min(article.id, partner.get(article.id, article.id))),
                public=article.visibility == Visibility.PUBLIC,
                published=article.status == Status.PUBLISHED,
            )
        )
    return docs


def index_get() -> SearchIndex:
    """The current index, rebuilt when articles changed since it was built."""
    index = _state.index
    fresh = time.monotonic() - _state.checked < RECHECK_SECONDS
    if index is not None and not _state.stale and fresh:
        return index
    with _lock:
        stamp = _stamp()
        if _state.stale or _state.index is None or stamp != _state.stamp:
            # Cleared before reading, so a save during the rebuild marks it stale again.
            _state.stale = False
            _state.index = SearchIndex(article_docs())
            _state.stamp = stamp
        _state.checked = time.monotonic()
        return _state.index
