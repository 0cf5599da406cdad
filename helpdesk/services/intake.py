"""The one intake of the helpdesk: every inbound customer message, whatever the channel.

Channel adapters (web form, API, chat consumer, mail reader) build an `Inbound` and call
`intake_receive`. Nothing else creates customer messages or opens tickets.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.models import Contact, Message, Status, Ticket
from helpdesk.redaction import Redaction, redact
from helpdesk.services.events import (
    message_added_emit,
    ticket_changed_emit,
    ticket_event_new,
)
from helpdesk.services.opening import Opening, customer_message_fields, tickets_open
from helpdesk.services.replies import ticket_notify
from helpdesk.services.timeline import IncomingFile, attachments_store, tickets_lock_next
from helpdesk.sla import services as sla


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


def _dedupe_key(inbound: Inbound) -> tuple | None:
    if inbound.email_message_id:
        return ("email", inbound.email_message_id)
    if inbound.client_id and inbound.ticket_id:
        return ("client", inbound.ticket_id, inbound.client_id)
    return None


def _existing(inbound: Inbound) -> Message | None:
    return _existing_many([inbound]).get(_dedupe_key(inbound) or ())


def _existing_many(inbounds: Sequence[Inbound]) -> dict[tuple, Message]:
    """Messages already stored under the batch's dedupe keys (at most two queries)."""
    found: dict[tuple, Message] = {}
    message_ids = [i.email_message_id for i in inbounds if i.email_message_id]
    if message_ids:
        for message in Message.objects.select_related("ticket__queue").filter(
            email_message_id__in=message_ids
        ):
            found[("email", message.email_message_id)] = message
    pairs = {
        (int(inbound.ticket_id), inbound.client_id)
        for inbound in inbounds
        if not inbound.email_message_id and inbound.client_id and inbound.ticket_id
    }
    if pairs:
        # Plain SQL (a chat turn asks this every time; the ORM's compilation of an OR of
        # pairs cost more than the query), candidates by both lists, exact pairs kept.
        tickets = sorted({pair[0] for pair in pairs})
        clients = sorted({pair[1] for pair in pairs})
        table = connection.ops.quote_name(Message._meta.db_table)
        candidates = Message.objects.raw(
            f"SELECT * FROM {table} WHERE ticket_id IN ({', '.join(['%s'] * len(tickets))}) "  # noqa: S608
            f"AND client_id IN ({', '.join(['%s'] * len(clients))})",
            [*tickets, *clients],
        )
        repeated = [m for m in candidates if (m.ticket_id, m.client_id) in pairs]
        if repeated:
            by_id = Ticket.objects.select_related("queue").in_bulk({m.ticket_id for m in repeated})
            for message in repeated:
                message.ticket = by_id[message.ticket_id]
                found[("client", message.ticket_id, message.client_id)] = message
    return found


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


def intake_receive(inbound: Inbound, *, acknowledge: bool = False) -> IntakeResult:
    """Record one inbound customer message; open and triage a ticket when it starts one.

    Guarantees:
    - atomic: the ticket, the message, its files, events and SLA changes commit together;
    - idempotent: the same email Message-ID, or the same chat client id on a ticket, is stored
      once; a repeat returns the first message with `duplicate=True` and writes nothing;
    - secrets (passwords, PINs, PUK, cards, CVV) are redacted before anything is stored, and an
      automatic notice on the customer's channel says what was hidden and why;
    - realtime events (`message.added`, `ticket.changed`) are sent only after commit;
    - `acknowledge`: a new ticket gets the acknowledgement (reference, tracking link) by email
      in the same transaction, when its contact has an address.
    """
    return intake_receive_many([inbound], acknowledge=lambda some: [acknowledge] * len(some))[0]


def intake_receive_many(
    inbounds: Sequence[Inbound],
    *,
    acknowledge: Callable[[Sequence[Inbound]], Sequence[bool]] | None = None,
    look_up: bool = True,
) -> list[IntakeResult]:
    """`intake_receive` for several messages (the mail reader's batches), results in order.

    Same guarantees per message, but atomic as a whole: one transaction (or savepoint) holds
    them all, so a caller that must isolate a bad message retries the batch one by one. New
    tickets are opened together (`helpdesk.services.opening`), messages to existing tickets
    are appended together (`_continue_many`: their rows locked in id order).
    `acknowledge(inbounds)` is asked once, with the messages that really open a ticket, which
    of them get the acknowledgement. `look_up=False` skips reading the dedupe keys before the
    transaction, for a caller whose messages are new but for a rare retry (the chat's batch of
    customer lines): a message stored before then fails the whole batch on the unique
    constraint, writing nothing, and the caller stores the batch again one by one, where the
    lookup finds it. A repeat within the batch is still stored once.
    """
    for inbound in inbounds:
        if not (inbound.text or "").strip() and not inbound.files:
            raise IntakeError("empty", "El mensaje está vacío.")
    stored = _existing_many(inbounds) if look_up else {}
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _receive_all(inbounds, stored, acknowledge)
        except IntegrityError as exc:
            if "reference" in str(exc) and attempt < 2:
                continue  # two new tickets drew the same reference (30^6): draw again
            # A concurrent delivery of the same message won the unique constraint.
            if len(inbounds) == 1 and (earlier := _existing(inbounds[0])):
                return [IntakeResult(earlier.ticket, earlier, created=False, duplicate=True)]
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def _receive_all(
    inbounds: Sequence[Inbound],
    stored: dict[tuple, Message],
    acknowledge: Callable[[Sequence[Inbound]], Sequence[bool]] | None,
) -> list[IntakeResult]:
    """The body of `intake_receive_many`, inside its transaction."""
    results: list[IntakeResult | None] = [None] * len(inbounds)
    first_in_batch: dict[tuple, int] = {}
    repeats: dict[int, int] = {}  # index -> index of the same message earlier in the batch
    openings: list[tuple[int, Opening]] = []
    followups: list[tuple[int, tuple[Inbound, Redaction]]] = []
    now = timezone.now()
    for index, inbound in enumerate(inbounds):
        key = _dedupe_key(inbound)
        if key is not None and (earlier := stored.get(key)) is not None:
            results[index] = IntakeResult(earlier.ticket, earlier, created=False, duplicate=True)
            continue
        if key is not None and key in first_in_batch:
            repeats[index] = first_in_batch[key]
            continue
        if key is not None:
            first_in_batch[key] = index
        redaction = redact((inbound.text or "").strip())
        if inbound.ticket_id is None:
            openings.append((index, Opening(inbound, redaction.text, redaction.kinds)))
        else:
            followups.append((index, (inbound, redaction)))
    if followups:
        continued = _continue_many([f for _i, f in followups], now)
        for (index, _followup), result in zip(followups, continued, strict=True):
            results[index] = result
    if acknowledge is not None and openings:
        wanted = acknowledge([o.inbound for _i, o in openings])
        openings = [
            (i, dataclasses.replace(o, acknowledge=bool(w)))
            for (i, o), w in zip(openings, wanted, strict=True)
        ]
    opened_all = tickets_open([o for _i, o in openings], now=now) if openings else []
    for (index, opening), opened in zip(openings, opened_all, strict=True):
        if opening.redacted:
            redaction_notice_send(opened.ticket, opening.redacted)
        results[index] = IntakeResult(
            opened.ticket, opened.message, created=True, duplicate=False, redacted=opening.redacted
        )
    for index, earlier_index in repeats.items():
        first = results[earlier_index]
        assert first is not None
        results[index] = dataclasses.replace(first, created=False, duplicate=True)
    return [result for result in results if result is not None]


def _continue_many(
    followups: Sequence[tuple[Inbound, Redaction]], now: datetime
) -> list[IntakeResult]:
    """Messages to existing tickets, in the caller's transaction, results in order.

    Their tickets are locked (in id order) with their SLA clocks and their sequence numbers
    reserved together (`tickets_lock_next`), then the messages and the clocks' changes are
    written together (`ClockRows.write`): a fixed number of statements for a whole batch (a
    process's chat turns, a mail batch's replies), two for one chat line. Several messages to
    one ticket get consecutive numbers in batch order.
    """
    counts = Counter(int(inbound.ticket_id or 0) for inbound, _redaction in followups)
    tickets = tickets_lock_next(
        counts, now=now, stamp={"last_customer_message_at": now}, clocks=True
    )
    seqs = {pk: ticket.last_seq - counts[pk] + 1 for pk, ticket in tickets.items()}
    if any(not inbound.name for inbound, _redaction in followups):
        contacts = Contact.objects.in_bulk({t.contact_id for t in tickets.values()})
        for ticket in tickets.values():
            ticket.contact = contacts[ticket.contact_id]
    messages = []
    for inbound, redaction in followups:
        ticket = tickets[int(inbound.ticket_id or 0)]
        seq, seqs[ticket.pk] = seqs[ticket.pk], seqs[ticket.pk] + 1
        fields = customer_message_fields(
            inbound,
            redaction.text,
            redacted=redaction.changed,
            author_name=inbound.name or ticket.contact.name,
        )
        messages.append(Message(ticket=ticket, seq=seq, **fields))
    events = [
        ticket_event_new(message.ticket, "secrets_redacted", data={"kinds": redaction.kinds})
        for message, (_inbound, redaction) in zip(messages, followups, strict=True)
        if redaction.changed
    ]
    reopened = []
    for ticket in tickets.values():
        if ticket.status in (Status.WAITING, Status.RESOLVED):
            old, ticket.status = ticket.status, Status.OPEN
            reopened.append((ticket, ["status", "updated_at"]))
            events.append(
                ticket_event_new(
                    ticket,
                    "status_changed",
                    field="status",
                    old=old,
                    new=ticket.status,
                    data={"by": "customer_message"},
                )
            )
    # The messages, their audit events, the reopened tickets and the SLA clocks' changes in
    # one statement.
    clocks = sla.sla_customers_messaged_rows(list(tickets.values()), now=now)
    clocks.write(insert=[messages], tickets=reopened, log=events)
    for message, (inbound, _redaction) in zip(messages, followups, strict=True):
        attachments_store(message, inbound.files)
    for message in messages:
        message_added_emit(message)
    for ticket in tickets.values():
        ticket_changed_emit(ticket, "message")
    results = []
    for message, (_inbound, redaction) in zip(messages, followups, strict=True):
        if redaction.changed:
            redaction_notice_send(message.ticket, redaction.kinds)
        results.append(
            IntakeResult(
                message.ticket, message, created=False, duplicate=False, redacted=redaction.kinds
            )
        )
    return results
