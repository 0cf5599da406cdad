"""Rate limits of the knowledge base's anonymous endpoints (django-ratelimit counters)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

RATES = {
    "search": getattr(settings, "KB_SEARCH_RATE", "60/m"),
    "feedback": getattr(settings, "KB_FEEDBACK_RATE", "10/m"),
    "deflection": getattr(settings, "KB_DEFLECTION_RATE", "30/m"),
}


def rate_exceeded(request: HttpRequest, what: str) -> bool:
    """Count this request against the per-IP limit of `what`; True when over the limit."""
    return bool(
        is_ratelimited(
            request, group=f"kb-{what}", key="ip", rate=RATES[what], method=ALL, increment=True
        )
    )
