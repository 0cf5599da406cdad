"""Opening new tickets, one or a whole batch, in a fixed handful of statements.

`intake_receive` opens one ticket through here and `intake_receive_many` (the mail reader's
batches) many at once; both write exactly the same rows. Everything a new ticket needs that can
be decided before its INSERT is decided first, in Python, from per-process snapshots (triage
rules, queues, SLA policies, active incidents): the ticket row goes in already triaged, linked
to its incident and carrying its SLA due time. Then the contacts' upsert, one `instances_insert`
for the tickets, messages (openings and acknowledgements), audit events, SLA clocks and their
events (two statements on PostgreSQL), and one job for the acknowledgements' emails. Runs
inside the caller's transaction; commits nothing itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from helpdesk.incidents.services import incident_for_new_ticket, incident_link_event
from helpdesk.models import AuthorKind, Contact, Message, Ticket, TicketEvent
from helpdesk.references import reference_new
from helpdesk.rows import instance_new, instances_insert
from helpdesk.services.contacts import ContactDraft, contact_find_or_create, contacts_upsert
from helpdesk.services.delivery import delivery_prefill, messages_deliver
from helpdesk.services.events import (
    message_added_emit,
    ticket_changed_emit,
    ticket_event_new,
)
from helpdesk.services.queues import queue_by_slug
from helpdesk.services.replies import HELPDESK_AUTHOR
from helpdesk.services.timeline import attachments_store
from helpdesk.sla.services import NewClock, sla_clock_new, sla_clock_rows
from helpdesk.triage.services import triage_decide

if TYPE_CHECKING:
    from helpdesk.services.intake import Inbound


@dataclass(frozen=True)
class Opening:
    """One inbound message that starts a ticket, after redaction."""

    inbound: Inbound
    text: str  # redacted
    redacted: tuple[str, ...] = ()
    acknowledge: bool = False  # send the acknowledgement (when the contact has an address)


@dataclass(frozen=True)
class Opened:
    ticket: Ticket
    message: Message


def customer_message_fields(
    inbound: Inbound, text: str, *, redacted: bool, author_name: str
) -> dict[str, Any]:
    """The fields of a customer's message, new ticket or follow-up (`text` already redacted;
    the HTML is dropped when something was redacted, since it still holds the secret)."""
    return {
        "author_kind": AuthorKind.CUSTOMER,
        "author_name": author_name,
        "channel": inbound.channel,
        "text": text,
        "html": "" if redacted else inbound.html,
        "redacted": redacted,
        "client_id": inbound.client_id,
        "email_message_id": inbound.email_message_id,
        "email_in_reply_to": inbound.email_in_reply_to[:255],
        "email_references": inbound.email_references,
    }


def _subject(inbound: Inbound, text: str) -> str:
    first_line = text.strip().splitlines()[0] if text.strip() else ""
    return (inbound.subject.strip() or first_line)[:250]


def _contacts(openings: Sequence[Opening]) -> list[Contact]:
    by_email = contacts_upsert(
        [
            ContactDraft(o.inbound.name, o.inbound.email, o.inbound.phone, o.inbound.language)
            for o in openings
        ]
    )
    found = []
    for o in openings:
        email = (o.inbound.email or "").strip().lower()
        contact = by_email.get(email) if email else None
        if contact is None:  # phone or nothing: the one-by-one lookup
            contact = contact_find_or_create(
                name=o.inbound.name, phone=o.inbound.phone, language=o.inbound.language
            )
        found.append(contact)
    return found


def tickets_open(openings: Sequence[Opening], *, now: datetime) -> list[Opened]:
    """Open one ticket per opening (caller's transaction); events are sent after commit."""
    from helpdesk.services.acknowledgements import acknowledgement_texts

    tickets: list[Ticket] = []
    clocks: list[NewClock] = []
    events: list[TicketEvent] = []
    for opening, contact in zip(openings, _contacts(openings), strict=True):
        inbound = opening.inbound
        decision = triage_decide(
            text=opening.text, subject=inbound.subject, queue_hint=inbound.queue_hint
        )
        acknowledged = opening.acknowledge and bool(contact.email)
        ticket = instance_new(
            Ticket,
            reference=reference_new(),
            subject=_subject(inbound, opening.text),
            queue=queue_by_slug(decision.queue),
            category=decision.category,
            channel=inbound.channel,
            contact=contact,
            clarification=decision.clarification,
            language=inbound.language,
            triage_confidence=decision.confidence,
            triage_reasons=list(decision.reasons),
            needs_triage=decision.needs_review,
            # The opening message's seq, and the acknowledgement's, reserved with the row.
            last_seq=2 if acknowledged else 1,
            last_customer_message_at=now,
        )
        ticket.incident = incident_for_new_ticket(
            category=ticket.category, subject=ticket.subject, text=opening.text
        )
        clocks.append(sla_clock_new(ticket, now=now))
        tickets.append(ticket)
        events.append(
            ticket_event_new(
                ticket,
                "created",
                data={"channel": inbound.channel, "triage": decision.as_dict()},
            )
        )
        if ticket.incident is not None:
            events.append(
                ticket_event_new(ticket, "incident_linked", **incident_link_event(ticket.incident))
            )
        if opening.redacted:
            events.append(
                ticket_event_new(ticket, "secrets_redacted", data={"kinds": list(opening.redacted)})
            )
    openers = [
        instance_new(
            Message,
            ticket=ticket,
            seq=1,
            **customer_message_fields(
                opening.inbound,
                opening.text,
                redacted=bool(opening.redacted),
                author_name=opening.inbound.name or ticket.contact.name,
            ),
        )
        for opening, ticket in zip(openings, tickets, strict=True)
    ]
    answered = [ticket for ticket in tickets if ticket.last_seq == 2]
    acknowledgements = [
        instance_new(
            Message,
            ticket=ticket,
            seq=2,
            author_kind=AuthorKind.SYSTEM,
            author_name=HELPDESK_AUTHOR,
            channel=ticket.channel,
            text=text,
            automatic=True,
            **delivery_prefill(ticket, internal=False),
        )
        for ticket, text in zip(answered, acknowledgement_texts(answered), strict=True)
    ]
    clock_rows, clock_events = sla_clock_rows(zip(tickets, clocks, strict=True), now=now)
    # A reference collision (30^6 values) fails this INSERT and, with it, the caller's
    # transaction or savepoint: `intake_receive_many` draws new references and starts over.
    instances_insert(tickets, [*openers, *acknowledgements], events, clock_rows, clock_events)
    messages = openers
    for opening, message in zip(openings, messages, strict=True):
        attachments_store(message, opening.inbound.files)
    messages_deliver(acknowledgements)
    by_ticket = {ack.ticket_id: ack for ack in acknowledgements}
    opened = []
    for ticket, message in zip(tickets, messages, strict=True):
        message_added_emit(message, fresh=True)
        if (ack := by_ticket.get(ticket.pk)) is not None:
            message_added_emit(ack, fresh=True)
        ticket_changed_emit(ticket, "created", fresh=True)
        opened.append(Opened(ticket, message))
    return opened
