"""Recognising bounces: RFC 3464 delivery status notifications and the common non-standard ones.

Pure: reads a compat32 message. The result names the message that bounced (its Message-ID, from
the returned headers or the body) so the helpdesk can mark that outgoing message as failed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_string
from email.message import Message as MimeMessage
from email.policy import compat32

from mailin.charsets import bytes_decode
from mailin.mimeheaders import addresses_parse, header_raw, header_text, message_ids, words_decode

BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery status notification|returned mail|mail delivery (?:failed|failure)"
    r"|failure notice|delivery failure|delivery has failed|could not be delivered"
    r"|non[- ]?remis|no se (?:pudo|puede) entregar|mensaje no entregado|correo devuelto"
    r"|unzustellbar|nicht zustellbar|delivery notification|mail system error",
    re.IGNORECASE,
)
DAEMON_LOCALPARTS = {
    "mailer-daemon",
    "postmaster",
    "mail-daemon",
    "mailerdaemon",
    "bounce",
    "bounces",
    "mail.delivery.subsystem",
}
STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
SMTP_CODE = re.compile(r"\b([45]\d\d)[ -]")
MESSAGE_ID_LINE = re.compile(r"^\s*Message-ID:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)
SUBJECT_LINE = re.compile(r"^\s*Subject:\s*(.+)$", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Bounce:
    permanent: bool
    status: str = ""
    recipient: str = ""
    reason: str = ""
    original_message_id: str = ""
    original_subject: str = ""
    original_ticket_header: str = ""


def _parts(message: MimeMessage, limit: int = 200) -> list[MimeMessage]:
    found: list[MimeMessage] = []
    stack = [message]
    while stack and len(found) < limit:
        part = stack.pop(0)
        found.append(part)
        payload = part.get_payload()
        if isinstance(payload, list):
            stack.extend(p for p in payload if isinstance(p, MimeMessage))
    return found


def _text_of(part: MimeMessage) -> str:
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        return bytes_decode(payload, part.get_content_charset())
    raw = part.get_payload()
    return raw if isinstance(raw, str) else ""


def _status_fields(part: MimeMessage) -> dict[str, str]:
    """Per-recipient fields of a message/delivery-status part (last recipient block wins)."""
    fields: dict[str, str] = {}
    payload = part.get_payload()
    blocks = payload if isinstance(payload, list) else []
    if not blocks and isinstance(payload, str):
        blocks = [
            message_from_string(chunk, policy=compat32)
            for chunk in re.split(r"\r?\n\r?\n", payload)
            if chunk.strip()
        ]
    for block in blocks:
        if not isinstance(block, MimeMessage):
            continue
        for key, value in block.items():
            fields[key.lower()] = words_decode(str(value)).strip()
    return fields


def _original(parts: list[MimeMessage], body: str) -> tuple[str, str, str]:
    """(Message-ID, subject, X-Helpdesk-Ticket) of the message that bounced."""
    for part in parts[1:]:
        ctype = part.get_content_type()
        headers: MimeMessage | None = None
        if ctype == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], MimeMessage):
                headers = inner[0]
        elif ctype == "text/rfc822-headers":
            headers = message_from_string(_text_of(part), policy=compat32)
        if headers is not None:
            ids = message_ids(header_raw(headers, "Message-ID"))
            if ids:
                return (
                    ids[0],
                    header_text(headers, "Subject"),
                    (header_raw(headers, "X-Helpdesk-Ticket") or "").strip(),
                )
    found = MESSAGE_ID_LINE.search(body)
    subject = SUBJECT_LINE.search(body)
    return (found.group(1) if found else "", subject.group(1).strip() if subject else "", "")


def bounce_detect(message: MimeMessage) -> Bounce | None:
    """The bounce this message reports, or None for an ordinary message."""
    parts = _parts(message)
    status_part = next(
        (p for p in parts if p.get_content_type() == "message/delivery-status"), None
    )
    report_type = (message.get_param("report-type") or "") if message.is_multipart() else ""
    is_dsn = status_part is not None and str(report_type).lower() in ("delivery-status", "")
    senders = addresses_parse(header_raw(message, "From"))
    sender = senders[0][1] if senders else ""
    daemon = sender.split("@", 1)[0] in DAEMON_LOCALPARTS if sender else False
    subject = header_text(message, "Subject")
    failed_header = (header_raw(message, "X-Failed-Recipients") or "").strip()
    return_path = (header_raw(message, "Return-Path") or "").strip()
    heuristic = (
        bool(failed_header)
        or ((daemon or return_path == "<>" or not sender) and bool(BOUNCE_SUBJECT.search(subject)))
        or (daemon and "delivery" in subject.lower())
    )
    if not is_dsn and not heuristic:
        return None
    body = "\n".join(
        _text_of(p)
        for p in parts
        if p.get_content_type() in ("text/plain", "message/delivery-status")
        and not p.is_multipart()
    )[:200_000]
    fields = _status_fields(status_part) if status_part is not None else {}
    action = fields.get("action", "").lower()
    status = STATUS.search(fields.get("status", "")) or STATUS.search(body)
    status_code = status.group(1) if status else ""
    recipient = fields.get("final-recipient") or fields.get("original-recipient") or ""
    recipient = recipient.split(";", 1)[-1].strip().lower() or failed_header.lower()
    reason = fields.get("diagnostic-code", "")
    if not reason:
        lines = [line.strip() for line in body.splitlines() if SMTP_CODE.search(line)]
        reason = lines[0] if lines else subject
    if action:
        permanent = action == "failed"
    elif status_code:
        permanent = status_code.startswith("5")
    else:
        permanent = not re.search(r"delay|warning|will retry|retrasad", subject, re.IGNORECASE)
    original_id, original_subject, ticket_header = _original(parts, body)
    return Bounce(
        permanent=permanent,
        status=status_code,
        recipient=recipient[:254],
        reason=reason[:1000],
        original_message_id=original_id,
        original_subject=original_subject[:250],
        original_ticket_header=ticket_header[:20],
    )
