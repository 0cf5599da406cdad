"""`{% incident_link_form ticket %}`: the agent's link/unlink control on a ticket page."""

from __future__ import annotations

from typing import Any

from django import template

from helpdesk.incidents.selectors import incidents_active

register = template.Library()


@register.inclusion_tag("incidents/ticket_link.html", takes_context=True)
def incident_link_form(context: Any, ticket: Any) -> dict[str, Any]:
    request = context.get("request")
    return {
        "ticket": ticket,
        "active": incidents_active(),
        "next": request.get_full_path() if request is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
