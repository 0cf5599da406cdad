"""Who may see what: the public sees published public articles, agents also internal ones."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from helpdesk.permissions import is_agent
from knowledgebase.models import Article, Status, Visibility


def viewer_is_agent(user: Any) -> bool:
    """Agents (and staff without an agent profile) also read internal articles."""
    return is_agent(user) or bool(getattr(user, "is_authenticated", False) and user.is_staff)


def articles_visible(user: Any) -> QuerySet[Article]:
    """Published articles the viewer may read (drafts only through the admin)."""
    queryset = Article.objects.filter(status=Status.PUBLISHED).select_related("section")
    if not viewer_is_agent(user):
        queryset = queryset.filter(visibility=Visibility.PUBLIC)
    return queryset
