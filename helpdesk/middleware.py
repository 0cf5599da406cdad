"""Request middleware: Spanish-first language choice, and CORS for the embedded widget."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class SpanishFirstLocaleMiddleware:
    """Like Django's LocaleMiddleware, but ignores the browser's Accept-Language.

    Many customers browse on phones set to English while they want Spanish support; the
    language switch (cookie set by /i18n/setlang/) is the only way to change it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class WidgetCorsMiddleware:
    """CORS for the few public endpoints the embedded chat widget reads from another site.

    Only GET, only the status banners and knowledge-base search, only for the sites listed in
    WIDGET_EMBED_ORIGINS; no credentials are ever allowed.
    """

    PATHS = ("/api/v1/status/", "/api/v1/kb/search/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        origin = request.headers.get("Origin", "")
        if (
            origin
            and request.method == "GET"
            and request.path.startswith(self.PATHS)
            and urlsplit(origin).hostname in settings.WIDGET_EMBED_ORIGINS
        ):
            response["Access-Control-Allow-Origin"] = origin
            response["Vary"] = "Origin"
        return response
