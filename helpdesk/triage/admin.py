from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from helpdesk.triage.models import LearnedTerm, TriageRule


@admin.register(TriageRule)
class TriageRuleAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "queue",
        "category",
        "clarification",
        "weight",
        "active",
        "keyword_count",
        "updated_at",
    )
    list_filter = ("active", "queue", "category", "clarification")
    list_editable = ("active",)
    search_fields = ("name", "keywords", "notes")
    readonly_fields = ("updated_at",)
    fieldsets = (
        (None, {"fields": ("name", "active", "keywords")}),
        (_("Destino"), {"fields": ("queue", "category", "clarification", "weight")}),
        (_("Notas"), {"fields": ("notes", "updated_at")}),
    )

    @admin.display(description=_("palabras"))
    def keyword_count(self, rule: TriageRule) -> int:
        return len(rule.keyword_lines())


@admin.register(LearnedTerm)
class LearnedTermAdmin(admin.ModelAdmin):
    """Learned terms are written by corrections; supervisors may inspect or delete them."""

    list_display = ("term", "label_kind", "label", "weight", "updated_at")
    list_filter = ("label_kind", "label")
    search_fields = ("term",)
    readonly_fields = ("term", "label_kind", "label", "weight", "updated_at")
    ordering = ("-weight",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
