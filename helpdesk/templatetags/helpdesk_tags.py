from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

register = template.Library()


@register.simple_tag
def optional_url(name: str) -> str:
    """The URL of `name`, or '' while the app that provides it is not installed."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


EVENT_LABELS = {
    "created": _("creado"),
    "status_changed": _("estado"),
    "assigned": _("asignado"),
    "unassigned": _("sin asignar"),
    "queue_changed": _("cola"),
    "category_changed": _("área"),
    "priority_changed": _("prioridad"),
    "replied": _("respuesta"),
    "note_added": _("nota interna"),
    "secrets_redacted": _("datos sensibles ocultos"),
}


@register.filter
def event_label(kind: str) -> str:
    """A readable name for a TicketEvent kind (unknown kinds are shown as they are)."""
    return str(EVENT_LABELS.get(kind, kind.replace("_", " ")))
