"""Acknowledgements: the automatic first answer that tells a customer their reference."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from helpdesk.models import Ticket
from helpdesk.references import tracking_token
from helpdesk.services.intake import Inbound, IntakeResult, intake_receive


def tracking_url(ticket: Ticket) -> str:
    return f"{settings.SITE_URL}/seguimiento/{tracking_token(ticket.reference)}/"


def acknowledgement_text(ticket: Ticket) -> str:
    return acknowledgement_texts([ticket])[0]


def acknowledgement_texts(tickets: Sequence[Ticket]) -> list[str]:
    """Each ticket's acknowledgement, in its language, exactly as one by one. The sentences and
    team names are translated once per language and a due time formatted once per language and
    instant (a mail batch's tickets share their start, so there are few): that was most of the
    cost of a text."""
    sentences: dict[str, tuple[str, ...]] = {}
    teams: dict[tuple[str, int | None], str] = {}  # a queue's name is in the reader's language
    dues: dict[tuple[str, datetime], str] = {}
    texts = []
    for ticket in tickets:
        language = ticket.language or "es"
        if (words := sentences.get(language)) is None:
            words = sentences[language] = _sentences(language)
        greeting, reference, due_line, follow, safety = words
        queue = ticket.queue
        if (team := teams.get(key := (language, queue.pk))) is None or queue.pk is None:
            with translation.override(language):
                team = teams[key] = queue.name
        lines = [
            greeting % {"name": ticket.contact.name or ""},
            reference % {"ref": ticket.reference, "queue": team},
        ]
        if ticket.sla_due_at:
            if (due := dues.get(instant := (language, ticket.sla_due_at))) is None:
                with translation.override(language):
                    local = timezone.localtime(ticket.sla_due_at)
                    due = dues[instant] = formats.date_format(local, "DATETIME_FORMAT")
            lines.append(due_line % {"due": due})
        lines.append(follow % {"url": tracking_url(ticket)})
        lines.append(safety)
        texts.append("\n".join(lines))
    return texts


def _sentences(language: str) -> tuple[str, ...]:
    with translation.override(language):
        return (
            _("Hola %(name)s, recibimos tu solicitud."),
            _("Tu número de caso es %(ref)s y la atiende el equipo de %(queue)s."),
            _("Te responderemos a más tardar el %(due)s."),
            _("Sigue tu caso y responde aquí: %(url)s"),
            _("Por tu seguridad, nunca envíes contraseñas, PIN ni datos de tarjeta."),
        )


def ticket_submit(inbound: Inbound) -> IntakeResult:
    """Web form and API: intake plus acknowledgement, committed together (all or nothing)."""
    return intake_receive(inbound, acknowledge=True)
