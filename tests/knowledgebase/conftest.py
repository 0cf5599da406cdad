from __future__ import annotations

import io
import itertools

import pytest

from knowledgebase.models import Article, ArticleCause, ArticleStep, Section
from knowledgebase.services.index import index_invalidate

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_index():
    # The index is a per-process cache; a rolled-back test must not leak documents.
    index_invalidate()
    yield
    index_invalidate()


@pytest.fixture
def kb_content(db):
    """The real articles from knowledgebase/content, loaded the way seed_demo does."""
    from knowledgebase.seed import seed

    out = io.StringIO()
    seed(out)
    return out.getvalue()


@pytest.fixture
def make_article(db):
    def make(
        title: str,
        *,
        area: str = "connection",
        language: str = "es",
        visibility: str = "public",
        status: str = "published",
        keywords: str = "",
        steps: tuple[str, ...] = ("Reinicia el equipo.",),
        symptoms: str = "Falla",
        summary: str = "",
        slug: str | None = None,
    ) -> Article:
        section, _ = Section.objects.get_or_create(
            slug=f"t-{area}", defaults={"area": area, "name_es": area, "name_en": area}
        )
        article = Article.objects.create(
            slug=slug or f"articulo-{next(_counter)}",
            title=title,
            section=section,
            language=language,
            visibility=visibility,
            status=status,
            keywords=keywords,
            summary=summary or title,
            symptoms=symptoms,
        )
        ArticleCause.objects.create(article=article, order=1, origin="network", text="Red")
        for n, text in enumerate(steps, 1):
            ArticleStep.objects.create(article=article, order=n, text=text)
        return article

    return make
