"""The one intake of the helpdesk: every inbound customer message, whatever the channel.

Channel adapters (web form, API, chat consumer, mail reader) build an `Inbound` and call
`intake_receive`. Nothing else creates customer messages or opens tickets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.incidents.services import incident_link_new_ticket
from helpdesk.models import AuthorKind, Message, Queue, Status, Ticket
from helpdesk.redaction import redact
from helpdesk.references import reference_new
from helpdesk.services.contacts import contact_find_or_create
from helpdesk.services.events import (
    message_added_emit,
    ticket_changed_emit,
    ticket_event_record,
)
from helpdesk.services.replies import ticket_notify
from helpdesk.services.timeline import IncomingFile, message_append, ticket_lock
from helpdesk.sla import services as sla
from helpdesk.triage.services import triage_decide


@dataclass(frozen=True)
class Inbound:
    """One message from a customer, as a channel adapter understood it."""

    channel: str
    text: str
    name: str = ""
    email: str = ""
    phone: str = ""
    subject: str = ""
    html: str = ""
    language: str = "es"
    # Dedupe keys: a chat client's message id (per ticket) or an email Message-ID (global).
    client_id: str | None = None
    email_message_id: str | None = None
    email_in_reply_to: str = ""
    email_references: str = ""
    # The ticket this message continues (chat conversation, tracking page, matched email).
    ticket_id: int | None = None
    # A queue to prefer when triage is unsure (a mailbox's default queue, a chat topic).
    queue_hint: str | None = None
    files: Sequence[IncomingFile] = field(default_factory=tuple)


@dataclass(frozen=True)
class IntakeResult:
    ticket: Ticket
    message: Message
    created: bool  # a new ticket was opened
    duplicate: bool  # this message had been received before; nothing was written
    redacted: tuple[str, ...] = ()


class IntakeError(ValueError):
    """The inbound message cannot be accepted (the edge turns it into a 400 or error frame)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def _existing(inbound: Inbound) -> Message | None:
    if inbound.email_message_id:
        return (
            Message.objects.select_related("ticket__queue")
            .filter(email_message_id=inbound.email_message_id)
            .first()
        )
    if inbound.client_id and inbound.ticket_id:
        return (
            Message.objects.select_related("ticket__queue")
            .filter(ticket_id=inbound.ticket_id, client_id=inbound.client_id)
            .first()
        )
    return None


def _ticket_open(inbound: Inbound, text: str, now: datetime) -> Ticket:
    contact = contact_find_or_create(
        name=inbound.name, email=inbound.email, phone=inbound.phone, language=inbound.language
    )
    decision = triage_decide(text=text, subject=inbound.subject, queue_hint=inbound.queue_hint)
    queue = Queue.objects.get(slug=decision.queue)
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    subject = (inbound.subject.strip() or first_line)[:250]
    for _attempt in range(5):
        try:
            with transaction.atomic():
                ticket = Ticket.objects.create(
                    reference=reference_new(),
                    subject=subject,
                    queue=queue,
                    category=decision.category,
                    channel=inbound.channel,
                    contact=contact,
                    clarification=decision.clarification,
                    language=inbound.language,
                    triage_confidence=decision.confidence,
                    triage_reasons=list(decision.reasons),
                    needs_triage=decision.needs_review,
                    last_seq=1,  # the opening message's seq, reserved with the row
                    last_customer_message_at=now,
                )
            break
        except IntegrityError:  # reference collision: draw again
            continue
    else:  # pragma: no cover - 30^6 references make five collisions in a row implausible
        raise RuntimeError("could not allocate a ticket reference")
    ticket_event_record(
        ticket, "created", data={"channel": inbound.channel, "triage": decision.as_dict()}
    )
    return ticket


_SECRET_NAMES = {
    "password": gettext_lazy("una contraseña"),
    "pin": gettext_lazy("un PIN"),
    "puk": gettext_lazy("un código PUK"),
    "card": gettext_lazy("un número de tarjeta"),
    "cvv": gettext_lazy("un código de seguridad de tarjeta"),
}


def redaction_notice_send(ticket: Ticket, kinds: Sequence[str]) -> None:
    """Tell the customer, on their channel, that we hid a secret and why (seed 001)."""
    with translation.override(ticket.language or "es"):
        names = ", ".join(str(_SECRET_NAMES.get(kind, kind)) for kind in kinds)
        text = _(
            "Por tu seguridad ocultamos %(what)s de tu mensaje: nunca envíes contraseñas, PIN "
            "ni datos de tarjeta por correo o chat. Si necesitas cambiar tu contraseña, "
            "solo el administrador de tu cuenta puede hacerlo."
        ) % {"what": names}
    ticket_notify(ticket, text=text, automatic=True, locked=True)


def intake_receive(
    inbound: Inbound, *, on_open: Callable[[Ticket], object] | None = None
) -> IntakeResult:
    """Record one inbound customer message; open and triage a ticket when it starts one.

    Guarantees:
    - atomic: the ticket, the message, its files, events and SLA changes commit together;
    - idempotent: the same email Message-ID, or the same chat client id on a ticket, is stored
      once; a repeat returns the first message with `duplicate=True` and writes nothing;
    - secrets (passwords, PINs, PUK, cards, CVV) are redacted before anything is stored, and an
      automatic notice on the customer's channel says what was hidden and why;
    - realtime events (`message.added`, `ticket.changed`) are sent only after commit;
    - `on_open(ticket)`, when given, runs for a new ticket inside the same transaction (the
      web form's acknowledgement), holding the ticket's row.
    """
    text = (inbound.text or "").strip()
    if not text and not inbound.files:
        raise IntakeError("empty", "El mensaje está vacío.")
    if existing := _existing(inbound):
        return IntakeResult(existing.ticket, existing, created=False, duplicate=True)
    redaction = redact(text)
    now = timezone.now()
    try:
        with transaction.atomic():
            created = inbound.ticket_id is None
            if created:
                ticket = _ticket_open(inbound, redaction.text, now)
            else:
                ticket = ticket_lock(int(inbound.ticket_id or 0))
            message = message_append(
                ticket,
                first=created,
                files=inbound.files,
                author_kind=AuthorKind.CUSTOMER,
                author_name=inbound.name or ticket.contact.name,
                channel=inbound.channel,
                text=redaction.text,
                html="" if redaction.changed else inbound.html,
                redacted=redaction.changed,
                client_id=inbound.client_id,
                email_message_id=inbound.email_message_id,
                email_in_reply_to=inbound.email_in_reply_to[:255],
                email_references=inbound.email_references,
            )
            ticket.last_customer_message_at = now
            update = ["last_customer_message_at", "updated_at"]  # last_seq: written by seq_next
            if not created and ticket.status in (Status.WAITING, Status.RESOLVED):
                old = ticket.status
                ticket.status = Status.OPEN
                update.append("status")
                ticket_event_record(
                    ticket,
                    "status_changed",
                    field="status",
                    old=old,
                    new=ticket.status,
                    data={"by": "customer_message"},
                )
            if redaction.changed:
                ticket_event_record(ticket, "secrets_redacted", data={"kinds": redaction.kinds})
            if not created:  # a new ticket was inserted with these values already
                ticket.save(update_fields=update)
            if created:
                incident_link_new_ticket(ticket)
                sla.sla_ticket_opened(ticket, now=now)
            else:
                sla.sla_customer_messaged(ticket, now=now)
            message_added_emit(message)
            ticket_changed_emit(ticket, "created" if created else "message")
            if redaction.changed:
                redaction_notice_send(ticket, redaction.kinds)
            if created and on_open is not None:
                on_open(ticket)  # e.g. the acknowledgement, in this same transaction
    except IntegrityError:
        # A concurrent delivery of the same message won the unique constraint.
        if existing := _existing(inbound):
            return IntakeResult(existing.ticket, existing, created=False, duplicate=True)
        raise
    return IntakeResult(ticket, message, created=created, duplicate=False, redacted=redaction.kinds)
