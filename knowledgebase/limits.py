"""Rate limits of the knowledge base's anonymous endpoints (django-ratelimit counters)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

# Per IP; override with settings KB_SEARCH_RATE, KB_FEEDBACK_RATE, KB_DEFLECTION_RATE.
DEFAULT_RATES = {"search": "60/m", "feedback": "10/m", "deflection": "30/m"}


def rate_for(what: str) -> str:
    return str(getattr(settings, f"KB_{what.upper()}_RATE", DEFAULT_RATES[what]))


def rate_exceeded(request: HttpRequest, what: str) -> bool:
    """Count this request against the per-IP limit of `what`; True when over the limit."""
    return bool(
        is_ratelimited(
            request, group=f"kb-{what}", key="ip", rate=rate_for(what), method=ALL, increment=True
        )
    )
