"""Services of the knowledge base: search, suggestions, feedback, deflections and figures."""

from knowledgebase.services.activity import (
    article_view_record,
    deflection_record,
    deflection_submitted,
    feedback_record,
)
from knowledgebase.services.figures import kb_figures
from knowledgebase.services.search import articles_search, hit_as_dict, kb_suggest

__all__ = [
    "article_view_record",
    "articles_search",
    "deflection_record",
    "deflection_submitted",
    "feedback_record",
    "hit_as_dict",
    "kb_figures",
    "kb_suggest",
]
