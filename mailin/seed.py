"""Demo data for the mail channel: an example mailbox (inactive) and a threaded email ticket.

Idempotent: the mailbox is found by name and the emails by Message-ID (intake dedupe).
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import TextIO

from helpdesk.models import Queue
from mailin.models import Mailbox
from mailin.services import MailSource, email_receive

DEMO_MAILBOX_URL = "imap://soporte%40example.test:secret@127.0.0.1:10143/INBOX"


def _mail(message_id: str, subject: str, text: str, in_reply_to: str = "") -> bytes:
    message = EmailMessage()
    message["From"] = "Lucía Fernández <lucia.fernandez@correo.example>"
    message["To"] = "soporte@helpdesk.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = "Fri, 20 Nov 2026 09:15:00 -0600"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    message.set_content(text)
    return message.as_bytes()


def seed(stdout: TextIO) -> None:
    queue = Queue.objects.filter(slug="technical").first()
    _mailbox, created = Mailbox.objects.get_or_create(
        name="Soporte (ejemplo)",
        defaults={
            "url": DEMO_MAILBOX_URL,
            "default_queue": queue,
            "active": False,
            "folder": "INBOX",
        },
    )
    source = MailSource("demo", None, "technical")
    first = email_receive(
        _mail(
            "<demo-1@correo.example>",
            "No puedo enviar SMS desde ayer",
            "Hola, desde ayer no puedo enviar mensajes de texto. Me aparece «mensaje no "
            "enviado». Ya reinicié el teléfono.\n\nSaludos,\nLucía",
        ),
        source,
    )
    second = email_receive(
        _mail(
            "<demo-2@correo.example>",
            "Re: No puedo enviar SMS desde ayer",
            "Olvidé decirles: mi línea es prepago y tengo saldo.\n\n"
            "El vie, 20 nov 2026 a las 9:15, Lucía escribió:\n> Hola, desde ayer no puedo",
            in_reply_to="<demo-1@correo.example>",
        ),
        source,
    )
    new = int(created) + sum(o.kind in ("created", "appended") for o in (first, second))
    stdout.write(
        f"correo: buzón de ejemplo (inactivo) y caso {first.ticket_reference}; "
        f"{new} registros nuevos\n"
    )
