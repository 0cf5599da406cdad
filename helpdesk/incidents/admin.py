from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from helpdesk.incidents.models import GeneralMessage, Incident
from helpdesk.incidents.services import IncidentError, incident_close


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ("title", "severity", "starts_at", "expected_end_at", "ended_at", "pause_sla")
    list_filter = ("severity", "pause_sla")
    search_fields = ("title", "message", "keywords")
    readonly_fields = ("ended_at", "update_sent_at", "created_by", "created_at")
    actions = ["close_and_notify"]

    @admin.action(description=_("Cerrar y avisar a los clientes vinculados"))
    def close_and_notify(self, request: HttpRequest, queryset: Any) -> None:
        for incident in queryset.filter(ended_at__isnull=True):
            try:
                incident_close(incident, actor=request.user, notify=True)
            except IncidentError as error:
                messages.error(request, str(error))
        messages.info(request, _("Incidentes cerrados; los avisos se envían en segundo plano."))


@admin.register(GeneralMessage)
class GeneralMessageAdmin(admin.ModelAdmin):
    list_display = ("text", "active", "starts_at", "ends_at")
