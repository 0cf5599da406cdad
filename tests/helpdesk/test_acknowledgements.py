"""Acknowledgement texts written for a whole batch equal the one-by-one text they replace."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from helpdesk.models import Contact, Ticket
from helpdesk.services.acknowledgements import (
    acknowledgement_text,
    acknowledgement_texts,
    tracking_url,
)

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def _one_by_one(ticket: Ticket) -> str:
    """The text as it was built before batches (every sentence translated per ticket)."""
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


def test_batch_texts_equal_one_by_one(queues, monkeypatch):
    # The tracking links are signed with the current second: one second for both sides, or
    # the comparison fails whenever the two texts straddle a second boundary.
    from django.core import signing

    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: "1xaQgt")
    due = datetime(2026, 11, 23, 18, 30, tzinfo=UTC)
    names = ["Ana", "", "50% off", "Zoë"]
    tickets = []
    for n in range(16):
        contact = Contact(name=names[n % 4], email=f"c{n}@x.co")
        tickets.append(
            Ticket(
                reference=f"T-ACK{n:02d}",
                queue=queues[["technical", "billing", "sales"][n % 3]],
                contact=contact,
                language=["es", "en", "", "es"][n % 4],
                sla_due_at=[due, due + timedelta(hours=n), None, due][n % 4],
            )
        )
    for zone in ("America/Mexico_City", "UTC"):
        with timezone.override(zone):
            expected = [_one_by_one(ticket) for ticket in tickets]
            assert acknowledgement_texts(tickets) == expected
            assert acknowledgement_text(tickets[1]) == expected[1]
    assert "Hi" in expected[1] or expected[1] != expected[0]  # English really translated
    assert len({text.splitlines()[2] for text in expected[:4]}) == 3  # three due lines
