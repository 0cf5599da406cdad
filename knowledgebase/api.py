"""JSON endpoints: search (public, rate-limited), deflections and feedback (anonymous, no CSRF).

Deflections and feedback carry no session authentication on purpose: they are sent by
`navigator.sendBeacon` from anonymous pages, are idempotent or harmless, and are rate-limited
per IP instead.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.models import Category
from knowledgebase.access import articles_visible, viewer_is_agent
from knowledgebase.limits import rate_exceeded
from knowledgebase.models import DeflectionSource
from knowledgebase.services import (
    articles_search,
    deflection_record,
    deflection_submitted,
    feedback_record,
    hit_as_dict,
)
from knowledgebase.services.search import MAX_LIMIT, MAX_QUERY_CHARS

TOO_MANY = {"detail": "Demasiadas solicitudes; intenta de nuevo en un minuto."}


class SearchQuery(serializers.Serializer):
    q = serializers.CharField(max_length=MAX_QUERY_CHARS, trim_whitespace=True)
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=10)
    lang = serializers.ChoiceField(choices=["es", "en"], required=False)
    area = serializers.ChoiceField(choices=Category.values, required=False)


class SearchResult(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    category = serializers.CharField()
    score = serializers.FloatField()
    url = serializers.CharField()
    summary = serializers.CharField()
    language = serializers.CharField()
    category_label = serializers.CharField()
    internal = serializers.BooleanField()


class SearchResponse(serializers.Serializer):
    query = serializers.CharField()
    count = serializers.IntegerField()
    results = SearchResult(many=True)


class SearchApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="Texto a buscar"),
            OpenApiParameter("limit", int, description="1-50, por omisión 10"),
            OpenApiParameter("lang", str, enum=["es", "en"], description="Idioma preferido"),
            OpenApiParameter("area", str, enum=Category.values),
        ],
        responses={200: SearchResponse},
        summary="Search knowledge-base articles (agents also get internal ones)",
    )
    def get(self, request: Request) -> Response:
        query = SearchQuery(data=request.query_params)
        if not query.is_valid():
            return Response(
                {"detail": "Parámetros inválidos.", "errors": query.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        if rate_exceeded(request._request, "search"):
            return Response(TOO_MANY, status=status.HTTP_429_TOO_MANY_REQUESTS)
        data: dict[str, Any] = query.validated_data
        hits = articles_search(
            data["q"],
            limit=data["limit"],
            internal=viewer_is_agent(request.user),
            language=data.get("lang"),
            area=data.get("area"),
        )
        results = [hit_as_dict(h, details=True) for h in hits]
        return Response({"query": data["q"], "count": len(results), "results": results})


class DeflectionInput(serializers.Serializer):
    token = serializers.RegexField(r"^[A-Za-z0-9_-]{8,64}$")
    action = serializers.ChoiceField(choices=["solved", "submitted"], default="solved")
    article = serializers.SlugField(max_length=120, required=False)
    source = serializers.ChoiceField(  # type: ignore[assignment]
        choices=DeflectionSource.values, default="form"
    )
    query = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class DeflectionApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=DeflectionInput,
        responses={201: None, 200: None},
        summary="Record that an article solved the problem (or the form was sent)",
    )
    def post(self, request: Request) -> Response:
        if rate_exceeded(request._request, "deflection"):
            return Response(TOO_MANY, status=status.HTTP_429_TOO_MANY_REQUESTS)
        payload = DeflectionInput(data=request.data)
        if not payload.is_valid():
            return Response(
                {"detail": "Datos inválidos.", "errors": payload.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        data = payload.validated_data
        if data["action"] == "submitted":
            updated = deflection_submitted(data["token"])
            return Response({"updated": updated})
        article = articles_visible(None).filter(slug=data.get("article") or "").first()
        if article is None:
            return Response(
                {"detail": "Artículo desconocido.", "errors": {"article": ["unknown"]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        _, created = deflection_record(
            token=data["token"],
            article=article,
            source=data["source"],
            query=data.get("query", ""),
        )
        return Response(
            {"recorded": created}, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class FeedbackInput(serializers.Serializer):
    helpful = serializers.BooleanField()
    comment = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class FeedbackApi(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        request=FeedbackInput,
        responses={201: None},
        summary="Answer “did this help?” for an article",
    )
    def post(self, request: Request, slug: str) -> Response:
        if rate_exceeded(request._request, "feedback"):
            return Response(TOO_MANY, status=status.HTTP_429_TOO_MANY_REQUESTS)
        article = articles_visible(None).filter(slug=slug).first()
        if article is None:
            return Response({"detail": "Artículo desconocido."}, status=status.HTTP_404_NOT_FOUND)
        payload = FeedbackInput(data=request.data)
        if not payload.is_valid():
            return Response(
                {"detail": "Datos inválidos.", "errors": payload.errors},
                status=status.HTTP_400_BAD_REQUEST,
            )
        feedback_record(
            article,
            helpful=payload.validated_data["helpful"],
            comment=payload.validated_data.get("comment", ""),
        )
        return Response({"recorded": True}, status=status.HTTP_201_CREATED)
