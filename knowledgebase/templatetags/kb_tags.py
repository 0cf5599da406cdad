"""`{% kb_agent_suggestions ticket %}`: articles for a ticket's text, ready to insert in a reply."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from helpdesk.models import AuthorKind
from knowledgebase.selectors import articles_by_slugs
from knowledgebase.services import kb_suggest

register = template.Library()

TICKET_TEXT_CHARS = 2000


def ticket_text(ticket: Any) -> str:
    """Subject plus the customer's first messages: what the ticket is about."""
    parts = [ticket.subject or ""]
    messages = ticket.messages.filter(author_kind=AuthorKind.CUSTOMER, internal=False)
    for message in messages.order_by("seq")[:3]:
        parts.append(message.text)
    return "\n".join(parts)[:TICKET_TEXT_CHARS]


def reply_steps(title: str, steps: list[str], url: str, language: str) -> str:
    numbered = "\n".join(f"{n}. {text.replace('**', '')}" for n, text in enumerate(steps, 1))
    more = "More information" if language == "en" else "Más información"
    return f"{title}\n\n{numbered}\n\n{more}: {url}"


@register.inclusion_tag("knowledgebase/agent_suggestions.html")
def kb_agent_suggestions(ticket: Any, limit: int = 4) -> dict[str, Any]:
    language = getattr(ticket, "language", "es") or "es"
    suggestions = kb_suggest(ticket_text(ticket), limit=limit, language=language, internal=True)
    articles = articles_by_slugs([s["slug"] for s in suggestions])
    items = []
    for suggestion in suggestions:
        article = articles.get(suggestion["slug"])
        if article is None:
            continue
        url = settings.SITE_URL + suggestion["url"]
        steps = [step.text for step in article.steps.all()]
        items.append(
            {
                **suggestion,
                "absolute_url": url,
                "steps_text": reply_steps(article.title, steps, url, article.language),
                "link_text": f"{article.title}: {url}",
            }
        )
    return {"suggestions": items, "ticket": ticket}
