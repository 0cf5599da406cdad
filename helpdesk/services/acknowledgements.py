"""Acknowledgements: the automatic first answer that tells a customer their reference."""

from __future__ import annotations

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from helpdesk.models import Ticket
from helpdesk.references import tracking_token
from helpdesk.services.intake import Inbound, IntakeResult, intake_receive


def tracking_url(ticket: Ticket) -> str:
    return f"{settings.SITE_URL}/seguimiento/{tracking_token(ticket.reference)}/"


def acknowledgement_text(ticket: Ticket) -> str:
    with translation.override(ticket.language or "es"):
        lines = [
            _("Hola %(name)s, recibimos tu solicitud.") % {"name": ticket.contact.name or ""},
            _("Tu número de caso es %(ref)s y la atiende el equipo de %(queue)s.")
            % {"ref": ticket.reference, "queue": ticket.queue.name},
        ]
        if ticket.sla_due_at:
            due = formats.date_format(timezone.localtime(ticket.sla_due_at), "DATETIME_FORMAT")
            lines.append(_("Te responderemos a más tardar el %(due)s.") % {"due": due})
        lines.append(_("Sigue tu caso y responde aquí: %(url)s") % {"url": tracking_url(ticket)})
        lines.append(_("Por tu seguridad, nunca envíes contraseñas, PIN ni datos de tarjeta."))
    return "\n".join(lines)


def ticket_submit(inbound: Inbound) -> IntakeResult:
    """Web form and API: intake plus acknowledgement, committed together (all or nothing)."""
    return intake_receive(inbound, acknowledge=True)
