"""What visitors do with articles: views, "¿Te sirvió?" answers and deflected tickets."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from knowledgebase.models import (
    Article,
    ArticleViewDay,
    Deflection,
    DeflectionSource,
    Feedback,
)

MAX_COMMENT_CHARS = 1000


def article_view_record(article: Article) -> None:
    """Count one view of `article` today (one counter row per article and day)."""
    day = timezone.localdate()
    updated = ArticleViewDay.objects.filter(article=article, day=day).update(views=F("views") + 1)
    if updated:
        return
    try:
        with transaction.atomic():
            ArticleViewDay.objects.create(article=article, day=day, views=1)
    except IntegrityError:  # another request created today's row first
        ArticleViewDay.objects.filter(article=article, day=day).update(views=F("views") + 1)


def feedback_record(
    article: Article, *, helpful: bool, comment: str = "", session_key: str = ""
) -> Feedback:
    """Store one answer; the same visitor answering again replaces their earlier answer."""
    comment = (comment or "").strip()[:MAX_COMMENT_CHARS]
    with transaction.atomic():
        if session_key:
            earlier = (
                Feedback.objects.select_for_update()
                .filter(article=article, session_key=session_key)
                .first()
            )
            if earlier is not None:
                earlier.helpful = helpful
                earlier.comment = comment or earlier.comment
                earlier.save(update_fields=["helpful", "comment"])
                return earlier
        return Feedback.objects.create(
            article=article, helpful=helpful, comment=comment, session_key=session_key
        )


def deflection_record(
    *, token: str, article: Article, source: str = DeflectionSource.FORM, query: str = ""
) -> tuple[Deflection, bool]:
    """A visitor clicked "Esto lo resolvió". Idempotent per (token, article)."""
    if source not in DeflectionSource.values:
        source = DeflectionSource.FORM
    return Deflection.objects.get_or_create(
        token=token[:64], article=article, defaults={"source": source, "query": query[:300]}
    )


def deflection_submitted(token: str) -> int:
    """The same visit sent the contact form anyway: its deflections no longer count."""
    return Deflection.objects.filter(token=token[:64]).update(submitted_anyway=True)
