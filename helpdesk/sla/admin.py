"""Admin of calendars and policies: validation in clean(), policy changes recompute forward."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.sla.models import BusinessCalendar, SlaClockEvent, SlaPolicy, TicketClock
from helpdesk.sla.services import sla_policy_changed


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "timezone", "always_open")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change:
                total = sum(
                    sla_policy_changed(policy, now=timezone.now())
                    for policy in obj.slapolicy_set.all()
                )
                if total:
                    messages.info(
                        request, _("Se recalcularon %(n)s tickets abiertos.") % {"n": total}
                    )


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "order",
        "name",
        "active",
        "queue",
        "category",
        "clarification",
        "priority",
        "channel",
        "calendar",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
    )
    list_display_links = ("name",)
    list_filter = ("active", "queue", "channel")
    ordering = ("order", "id")

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if change:
                count = sla_policy_changed(obj, now=timezone.now())
                if count:
                    messages.info(
                        request, _("Se recalcularon %(n)s tickets abiertos.") % {"n": count}
                    )


@admin.register(TicketClock)
class TicketClockAdmin(admin.ModelAdmin):
    list_display = ("ticket", "policy", "state", "target", "due_at", "breached")
    list_filter = ("state", "breached")
    raw_id_fields = ("ticket",)
    readonly_fields = ("targets", "pauses")


@admin.register(SlaClockEvent)
class SlaClockEventAdmin(admin.ModelAdmin):
    list_display = ("ticket", "kind", "target", "at", "due_at", "policy")
    list_filter = ("kind", "target")
    raw_id_fields = ("ticket",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
