"""URL converter for fault areas, so /kb/<area>/ and /kb/<article-slug>/ never collide."""

from __future__ import annotations

from helpdesk.models import Category


class AreaConverter:
    # Every area but "other"; an area without articles shows an empty page with a contact link.
    regex = "|".join(value for value in Category.values if value != "other")

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
