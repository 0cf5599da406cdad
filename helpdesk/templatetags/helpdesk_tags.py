from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def optional_url(name: str) -> str:
    """The URL of `name`, or '' while the app that provides it is not installed."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""
