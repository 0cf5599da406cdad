"""Knowledge base: troubleshooting articles by fault area, feedback, views and deflections."""

from knowledgebase.models.activity import ArticleViewDay, Deflection, DeflectionSource, Feedback
from knowledgebase.models.articles import (
    Article,
    ArticleCause,
    ArticleStep,
    Origin,
    Section,
    Status,
    Visibility,
)

__all__ = [
    "Article",
    "ArticleCause",
    "ArticleStep",
    "ArticleViewDay",
    "Deflection",
    "DeflectionSource",
    "Feedback",
    "Origin",
    "Section",
    "Status",
    "Visibility",
]
