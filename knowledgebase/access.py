"""Who may see what: the public sees published public articles, agents also internal ones."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from knowledgebase.models import Article, Status, Visibility


def viewer_is_agent(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or hasattr(user, "agent_profile"))


def viewer_is_supervisor(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    profile = getattr(user, "agent_profile", None)
    return profile is not None and profile.role in ("supervisor", "admin")


def articles_visible(user: Any) -> QuerySet[Article]:
    """Published articles the viewer may read (drafts only through the admin)."""
    queryset = Article.objects.filter(status=Status.PUBLISHED).select_related("section")
    if not viewer_is_agent(user):
        queryset = queryset.filter(visibility=Visibility.PUBLIC)
    return queryset
