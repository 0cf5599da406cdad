"""From a received email to the helpdesk: intake, bounces, loops, acknowledgements, quarantine.

The mail channel never writes tickets itself: customer mail goes through
`helpdesk.services.intake.intake_receive`, notes and acknowledgements through
`helpdesk.services.replies.ticket_notify`.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from helpdesk.models import DeliveryStatus, Message, Ticket
from helpdesk.services.intake import Inbound, IntakeError, intake_receive_many
from helpdesk.services.replies import ticket_notify
from helpdesk.services.timeline import IncomingFile, attachment_allowed
from mailin.ack import acks_allowed
from mailin.matching import ThreadMatch
from mailin.models import QuarantinedEmail, QuarantineKind
from mailin.parsing import ParsedEmail, ParseFailure, email_parse
from mailin.selectors import outgoing_message_find, thread_find, threads_find

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailSource:
    """Where a message came from: a mailbox (stored or given by URL) and its UID there."""

    key: str = ""
    mailbox_id: int | None = None
    default_queue: str | None = None
    uid: int | None = None


@dataclass(frozen=True)
class MailOutcome:
    kind: str  # created | appended | duplicate | auto_reply | loop | bounce | quarantined
    ticket_reference: str = ""
    detail: str = ""


def _own_address() -> str:
    return _address(settings.DEFAULT_FROM_EMAIL)


@functools.lru_cache(maxsize=8)
def _address(header: str) -> str:
    # Keyed by the setting's value, so a changed setting is still honoured; parsing it for
    # every message cost as much as the rest of the loop check.
    return parseaddr(header)[1].lower()


def loop_reason(parsed: ParsedEmail) -> str:
    """Why `parsed` is our own outgoing mail coming back ('' if it is not)."""
    if parsed.helpdesk_ticket_header:
        return "x-helpdesk-ticket header"
    domain = f"@{settings.HELPDESK_EMAIL_DOMAIN}>".lower()
    if parsed.message_id.lower().endswith(domain):
        return "our Message-ID"
    if parsed.sender and parsed.sender == _own_address():
        return "sent from our address"
    return ""


def quarantine_record(
    raw: bytes, source: MailSource, kind: str, error: str, parsed: ParsedEmail | None = None
) -> QuarantinedEmail:
    return QuarantinedEmail.objects.create(
        kind=kind,
        mailbox_id=source.mailbox_id,
        mailbox_key=source.key[:400],
        uid=source.uid,
        message_id=(parsed.message_id if parsed else "")[:255],
        sender=(parsed.sender if parsed else "")[:254],
        subject=(parsed.subject if parsed else "")[:250],
        error=error[:5000],
        raw=raw,
    )


def _message_id(parsed: ParsedEmail, raw: bytes) -> str:
    """The Message-ID, or a stable one derived from the bytes so re-reads still dedupe."""
    if parsed.message_id:
        return parsed.message_id[:255]
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@sin-message-id.invalid>"


def _files(parsed: ParsedEmail) -> list[IncomingFile]:
    return [
        IncomingFile(
            filename=a.filename, content_type=a.content_type, content=a.content, inline=a.inline
        )
        for a in parsed.attachments
    ]


def _text(parsed: ParsedEmail, continuing: bool) -> str:
    # A reply keeps only its new text (the history is already in the ticket); a first message
    # keeps everything, since a forwarded history is often the very problem reported.
    text = parsed.reply_text if continuing and parsed.reply_text else parsed.text
    if not text.strip():
        text = parsed.subject or ("(sin texto)" if parsed.attachments else "")
    return text


def bounce_apply(parsed: ParsedEmail, raw: bytes, source: MailSource) -> MailOutcome:
    """Attach a bounce to the ticket it bounces from and mark that outgoing message failed."""
    bounce = parsed.bounce
    assert bounce is not None
    outgoing = outgoing_message_find(bounce.original_message_id)
    ticket: Ticket | None = outgoing.ticket if outgoing else None
    if ticket is None:
        from helpdesk.references import reference_find

        reference = (
            bounce.original_ticket_header
            or reference_find(bounce.original_subject)
            or parsed.ticket_ref
        )
        ticket = Ticket.objects.filter(reference=reference).first() if reference else None
    if ticket is None:
        quarantine_record(
            raw,
            source,
            QuarantineKind.BOUNCE_UNMATCHED,
            f"rebote {bounce.status}: {bounce.reason}",
            parsed,
        )
        return MailOutcome("quarantined", detail="bounce without origin")
    if outgoing is not None and bounce.permanent:
        Message.objects.filter(pk=outgoing.pk).update(
            delivery_status=DeliveryStatus.FAILED,
            delivery_error=f"Rebote {bounce.status} {bounce.recipient}: {bounce.reason}"[:1000],
        )
    state = "no se pudo entregar" if bounce.permanent else "se retrasó"
    which = f" (mensaje #{outgoing.seq})" if outgoing else ""
    note = (
        f"El correo al cliente{which} {state}. Destinatario: {bounce.recipient or '?'}. "
        f"Estado: {bounce.status or '?'}. Motivo: {bounce.reason or parsed.subject}"
    )
    ticket_notify(ticket, text=note, automatic=True, internal=True)
    return MailOutcome("bounce", ticket.reference, bounce.status)


def _held_files_note(ticket: Ticket, parsed: ParsedEmail) -> None:
    """An internal note naming the files kept in quarantine (the timeline marks them)."""
    held = [a for a in parsed.attachments if not attachment_allowed(a.content_type, a.size)]
    if held:
        names = ", ".join(f"{a.filename} ({a.content_type})" for a in held)
        ticket_notify(
            ticket,
            automatic=True,
            internal=True,
            text=f"Adjuntos retenidos en cuarentena (tipo o tamaño no permitido): "
            f"{names}. Un supervisor puede revisarlos.",
        )


def _parse(raw: bytes, source: MailSource) -> ParsedEmail | ParseFailure:
    try:
        return email_parse(raw)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not block the mailbox
        log.exception("mail from %s could not be parsed", source.key)
        return ParseFailure(f"parser error: {type(exc).__name__}: {exc}")


def email_receive(
    raw: bytes, source: MailSource, parsed: ParsedEmail | ParseFailure | None = None
) -> MailOutcome:
    """Process one received email end to end. Never raises for bad mail: it is quarantined.

    Atomic per message: the ticket change, notes, acknowledgement job and quarantine rows
    commit together (in a savepoint when the caller holds a transaction).
    """
    parsed = parsed if parsed is not None else _parse(raw, source)
    if isinstance(parsed, ParseFailure):
        quarantine_record(raw, source, QuarantineKind.PARSE_ERROR, parsed.error)
        return MailOutcome("quarantined", detail=parsed.error)
    try:
        with transaction.atomic():
            if (outcome := _special(parsed, raw, source)) is not None:
                return outcome
            match = thread_find(parsed)
            return _intake([(parsed, raw, source, match)])[0]
    except Exception as exc:  # noqa: BLE001 - one bad message must never block the next
        log.exception("mail %s from %s could not be processed", parsed.message_id, source.key)
        quarantine_record(
            raw, source, QuarantineKind.PROCESSING_ERROR, f"{type(exc).__name__}: {exc}", parsed
        )
        return MailOutcome("quarantined", detail=f"{type(exc).__name__}: {exc}")


def _special(parsed: ParsedEmail, raw: bytes, source: MailSource) -> MailOutcome | None:
    """Bounces, loops and auto-replies (never tickets); None for customer mail."""
    if parsed.bounce is not None:
        return bounce_apply(parsed, raw, source)
    if reason := loop_reason(parsed):
        quarantine_record(raw, source, QuarantineKind.LOOP, reason, parsed)
        return MailOutcome("loop", detail=reason)
    if parsed.auto_reply:
        quarantine_record(raw, source, QuarantineKind.AUTO_REPLY, parsed.auto_reply_reason, parsed)
        return MailOutcome("auto_reply", detail=parsed.auto_reply_reason)
    if not parsed.sender:
        raise IntakeError("no-sender", "El correo no tiene una dirección de remitente.")
    return None


Routed = tuple[ParsedEmail, bytes, MailSource, ThreadMatch]


def _intake(items: Sequence[Routed]) -> list[MailOutcome]:
    """Customer mail (threads already found) through the intake, new tickets together."""
    inbounds = [
        Inbound(
            channel="email",
            text=_text(parsed, match.ticket_id is not None),
            name=parsed.sender_name,
            email=parsed.sender,
            subject=parsed.subject,
            html=parsed.html,
            email_message_id=_message_id(parsed, raw),
            email_in_reply_to=parsed.in_reply_to,
            email_references=" ".join(parsed.references)[:5000],
            ticket_id=match.ticket_id,
            queue_hint=source.default_queue,
            files=_files(parsed),
        )
        for parsed, raw, source, match in items
    ]
    parsed_of = {id(inbound): item[0] for inbound, item in zip(inbounds, items, strict=True)}

    def acknowledge(opening: Sequence[Inbound]) -> list[bool]:
        # Never to mailing lists; the per-sender limit counts only those that qualify.
        parsed = [parsed_of[id(inbound)] for inbound in opening]
        listed = [p for p in parsed if not p.mailing_list]
        allowed = iter(acks_allowed([p.sender for p in listed]))
        return [False if p.mailing_list else next(allowed) for p in parsed]

    outcomes = []
    results = intake_receive_many(inbounds, acknowledge=acknowledge)
    for (parsed, _raw, _source, match), result in zip(items, results, strict=True):
        if result.duplicate:
            outcomes.append(MailOutcome("duplicate", result.ticket.reference))
            continue
        _held_files_note(result.ticket, parsed)
        kind = "created" if result.created else "appended"
        outcomes.append(MailOutcome(kind, result.ticket.reference, match.how))
    return outcomes


def emails_receive(
    batch: Sequence[tuple[int | None, bytes]], source: MailSource
) -> list[MailOutcome]:
    """Process several messages in one transaction (one commit); used by the IMAP reader.

    Customer mail is grouped into runs of independent messages (none answers another of the
    run, no sender twice; `runs_independent`), run after run, each run's threads looked up and
    its new tickets opened together. If anything in the batch fails, the batch is rolled back
    and processed again one message at a time (`email_receive`, each in its own savepoint): a
    bad message is then quarantined alone and never blocks the others. Same guarantees as
    `email_receive`.
    """
    sources = [
        MailSource(source.key, source.mailbox_id, source.default_queue, uid) for uid, _ in batch
    ]
    raws = [raw for _uid, raw in batch]
    parsed = [_parse(raw, item) for raw, item in zip(raws, sources, strict=True)]
    try:
        with transaction.atomic():
            return _receive_together(parsed, raws, sources)
    except Exception:  # noqa: BLE001 - isolate the culprit: one by one
        log.warning("mail batch of %s from %s failed; one by one", len(batch), source.key)
        with transaction.atomic():
            return [
                email_receive(raw, item, p)
                for p, raw, item in zip(parsed, raws, sources, strict=True)
            ]


def _receive_together(
    parsed: Sequence[ParsedEmail | ParseFailure],
    raws: Sequence[bytes],
    sources: Sequence[MailSource],
) -> list[MailOutcome]:
    """Failures and special mail in place; customer mail in runs of independent messages
    (`runs_independent`), each run's threads looked up and its tickets opened together."""
    outcomes: list[MailOutcome | None] = [None] * len(parsed)
    customer: list[int] = []  # positions in the batch
    mails: list[ParsedEmail] = []
    for index, item in enumerate(parsed):
        if isinstance(item, ParseFailure):
            quarantine_record(raws[index], sources[index], QuarantineKind.PARSE_ERROR, item.error)
            outcomes[index] = MailOutcome("quarantined", detail=item.error)
        elif (special := _special(item, raws[index], sources[index])) is not None:
            outcomes[index] = special
        else:
            customer.append(index)
            mails.append(item)
    ids = [_message_id(mail, raws[i]) for i, mail in zip(customer, mails, strict=True)]
    for run in runs_independent(mails, ids):
        items = [mails[k] for k in run]
        routed = [
            (mail, raws[customer[k]], sources[customer[k]], match)
            for k, mail, match in zip(run, items, threads_find(items), strict=True)
        ]
        for k, outcome in zip(run, _intake(routed), strict=True):
            outcomes[customer[k]] = outcome
    return [outcome for outcome in outcomes if outcome is not None]


def runs_independent(mails: Sequence[ParsedEmail], message_ids: Sequence[str]) -> list[list[int]]:
    """Positions of `mails` in runs to process one after another, each run free of internal
    dependencies (pure).

    A message goes one run after the last earlier message it depends on: one from the same
    sender (a follow-up may join the ticket the first opens; one contact row), one whose
    Message-ID it answers (In-Reply-To/References), or one with its own Message-ID (a copy).
    Independent messages share a run, whatever lies between them, so a batch costs as many
    runs as its longest chain of dependent messages, not one per dependent message."""
    layer_of_sender: dict[str, int] = {}
    layer_of_id: dict[str, int] = {}
    runs: list[list[int]] = []
    for position, (mail, message_id) in enumerate(zip(mails, message_ids, strict=True)):
        after = [layer_of_sender.get(mail.sender, -1), layer_of_id.get(message_id, -1)]
        after += [layer_of_id.get(mid, -1) for mid in mail.thread_ids]
        layer = max(after) + 1
        if layer == len(runs):
            runs.append([])
        runs[layer].append(position)
        layer_of_sender[mail.sender] = layer
        layer_of_id[message_id] = layer
    return runs


def quarantine_retry(item: QuarantinedEmail) -> MailOutcome:
    """Process a quarantined message again (after a fix); marks it resolved when it goes in."""
    source = MailSource(
        item.mailbox_key,
        item.mailbox_id,
        item.mailbox.default_queue.slug if item.mailbox and item.mailbox.default_queue else None,
        item.uid,
    )
    with transaction.atomic():
        outcome = email_receive(bytes(item.raw), source)
        if outcome.kind in ("created", "appended", "duplicate", "bounce"):
            QuarantinedEmail.objects.filter(pk=item.pk).update(
                resolved=True, retried_at=timezone.now(), ticket_reference=outcome.ticket_reference
            )
        else:
            QuarantinedEmail.objects.filter(pk=item.pk).update(retried_at=timezone.now())
    return outcome
