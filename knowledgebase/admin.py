from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from knowledgebase.models import (
    Article,
    ArticleCause,
    ArticleStep,
    ArticleViewDay,
    Deflection,
    Feedback,
    Section,
    Status,
)
from knowledgebase.services.index import index_invalidate


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name_es", "name_en", "area", "order", "slug"]
    list_editable = ["order"]
    list_filter = ["area"]
    prepopulated_fields = {"slug": ["name_es"]}


class CauseInline(admin.TabularInline):
    model = ArticleCause
    extra = 0
    fields = ["order", "origin", "text"]


class StepInline(admin.TabularInline):
    model = ArticleStep
    extra = 0
    fields = ["order", "text"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "language", "section", "visibility", "status", "updated_at"]
    list_filter = ["status", "visibility", "language", "section__area", "section"]
    search_fields = ["title", "slug", "keywords", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["translation", "related"]
    inlines = [CauseInline, StepInline]
    readonly_fields = ["source_file", "published_at", "created_at"]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "language", "translation", "section", "summary"]}),
        (_("Contenido"), {"fields": ["symptoms", "contact_support", "body", "keywords"]}),
        (
            _("Publicación"),
            {
                "fields": [
                    "status",
                    "visibility",
                    "related",
                    "updated_at",
                    "published_at",
                    "source_file",
                    "created_at",
                ]
            },
        ),
    ]

    def save_model(self, request: HttpRequest, obj: Article, form: object, change: bool) -> None:
        obj.updated_at = timezone.now()
        if obj.status == Status.PUBLISHED and obj.published_at is None:
            obj.published_at = obj.updated_at
        super().save_model(request, obj, form, change)  # type: ignore[arg-type]

    def save_related(
        self, request: HttpRequest, form: object, formsets: object, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[arg-type]
        index_invalidate()

    @admin.action(description=_("Publicar los artículos seleccionados"))
    def publish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        now = timezone.now()
        queryset.filter(published_at__isnull=True).update(published_at=now)
        queryset.update(status=Status.PUBLISHED, updated_at=now)
        index_invalidate()

    @admin.action(description=_("Pasar a borrador"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        queryset.update(status=Status.DRAFT, updated_at=timezone.now())
        index_invalidate()


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ["article", "helpful", "comment", "created_at"]
    list_filter = ["helpful", "created_at"]
    search_fields = ["comment", "article__title"]
    readonly_fields = ["article", "helpful", "comment", "session_key", "created_at"]


@admin.register(ArticleViewDay)
class ArticleViewDayAdmin(admin.ModelAdmin):
    list_display = ["article", "day", "views"]
    list_filter = ["day"]
    date_hierarchy = "day"


@admin.register(Deflection)
class DeflectionAdmin(admin.ModelAdmin):
    list_display = ["article", "source", "submitted_anyway", "query", "created_at"]
    list_filter = ["source", "submitted_anyway", "created_at"]
    search_fields = ["query", "article__title"]
    readonly_fields = ["token", "article", "source", "query", "submitted_anyway", "created_at"]
