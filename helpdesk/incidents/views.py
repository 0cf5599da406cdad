"""Public status JSON and the agent's link/unlink endpoint (thin edges over the services)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_POST

from helpdesk.incidents.models import Incident
from helpdesk.incidents.selectors import status_payload
from helpdesk.incidents.services import IncidentError, incident_link
from helpdesk.models import Ticket
from helpdesk.permissions import can_work_ticket


@require_GET
@cache_control(max_age=15, public=True)
def status(request: HttpRequest) -> JsonResponse:
    # Cross-site reads by embedded widgets: helpdesk.middleware.WidgetCorsMiddleware.
    return JsonResponse(status_payload())


@login_required
@require_POST
def ticket_incident(request: HttpRequest, reference: str) -> HttpResponse:
    """POST {"incident": ID} links, {"incident": null} unlinks (form or JSON body)."""
    ticket = get_object_or_404(Ticket, reference=reference)
    if not can_work_ticket(request.user, ticket):
        return JsonResponse({"error": "forbidden"}, status=403)
    if request.content_type == "application/json":
        try:
            raw = json.loads(request.body or b"{}").get("incident")
        except (ValueError, AttributeError):
            return JsonResponse({"error": "invalid_json"}, status=400)
    else:
        raw = request.POST.get("incident") or None
    incident = None
    if raw not in (None, ""):
        try:
            incident = Incident.objects.get(pk=int(raw))
        except (TypeError, ValueError, Incident.DoesNotExist):
            return JsonResponse({"error": "unknown_incident"}, status=400)
    back = request.POST.get("next", "")
    if back and not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = ""
    try:
        ticket = incident_link(ticket, incident, actor=request.user)
    except IncidentError as error:
        if back:
            messages.error(request, str(error))
            return redirect(back)
        return JsonResponse({"error": error.code, "message": str(error)}, status=400)
    if back:  # the HTML form of the ticket page
        messages.success(request, _("Vínculo con el incidente actualizado."))
        return redirect(back)
    return JsonResponse(
        {
            "reference": ticket.reference,
            "incident": ticket.incident_id,
            "sla_state": ticket.sla_state,
        }
    )
