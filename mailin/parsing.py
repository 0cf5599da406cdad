"""Bytes of an email to a plain, frozen object. Pure: no database, no settings, no network.

`email_parse` never raises on malformed mail: every header and part is read with fallbacks and
problems are listed in `defects`. Only bytes that are not an email at all give `ParseFailure`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from email.message import Message as MimeMessage
from email.policy import compat32

import html2text
import nh3

from helpdesk.references import reference_find
from mailin.autoreply import auto_reply_reason, mailing_list
from mailin.bodies import Collected, ParsedAttachment, walk
from mailin.bounces import Bounce, bounce_detect
from mailin.boundaries import feedparser_boundaries_install
from mailin.mimeheaders import (
    addresses_parse,
    date_parse,
    header_all,
    header_raw,
    header_text,
    message_ids,
)
from mailin.plainmessage import message_plain
from mailin.quotes import reply_split

__all__ = ["Bounce", "ParseFailure", "ParsedAttachment", "ParsedEmail", "email_parse"]

feedparser_boundaries_install()  # no regex compiled per multipart boundary (see boundaries.py)

_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:", re.MULTILINE)
_STRICT_HEADER = re.compile(rb"^[!-9;-~]+:")


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    sender_name: str
    sender: str  # lower-cased address ('' when the From header has none)
    recipients: tuple[str, ...]
    cc: tuple[str, ...]
    reply_to: str
    subject: str
    date: datetime | None
    in_reply_to: str
    references: tuple[str, ...]
    text: str  # the whole readable text (from HTML when there is no plain part)
    reply_text: str  # the new text, without quoted history and signature
    quoted_text: str
    signature: str
    html: str  # sanitised
    attachments: tuple[ParsedAttachment, ...]
    auto_reply: bool
    auto_reply_reason: str
    mailing_list: bool
    bounce: Bounce | None
    ticket_ref: str | None
    helpdesk_ticket_header: str  # our own X-Helpdesk-Ticket, on mail we sent coming back
    defects: tuple[str, ...] = field(default_factory=tuple)

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Message-IDs this message answers, nearest first (In-Reply-To, then References)."""
        ids = ([self.in_reply_to] if self.in_reply_to else []) + list(reversed(self.references))
        return tuple(dict.fromkeys(ids))


@dataclass(frozen=True)
class ParseFailure:
    error: str


def html_to_text(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.ignore_tables = False
    converter.unicode_snob = True
    try:
        return str(converter.handle(html)).strip()
    except Exception:  # noqa: BLE001 - broken HTML: fall back to stripping tags
        return re.sub(r"\s+\n", "\n", re.sub(r"<[^>]+>", " ", html)).strip()


def html_sanitize(html: str) -> str:
    if not html.strip():
        return ""
    try:
        return nh3.clean(html, link_rel="noopener noreferrer nofollow")
    except Exception:  # noqa: BLE001
        return ""


def _looks_like_email(raw: bytes, message: MimeMessage) -> bool:
    if not raw.strip():
        return False
    if message.keys():
        return True
    return bool(_HEADER_LINE.match(raw.lstrip()[:2000]))


def _headers_recover(raw: bytes) -> MimeMessage | None:
    """Re-read a message whose first lines are broken headers ("Fro :x"), skipping them."""
    lines = raw.split(b"\n")
    for skip in range(1, min(6, len(lines))):
        if _STRICT_HEADER.match(lines[skip]):
            message = message_from_bytes(b"\n".join(lines[skip:]), policy=compat32)
            if message.keys():
                return message
    return None


def _texts(collected: Collected) -> tuple[str, str]:
    texts: list[str] = []
    htmls: list[str] = []
    for block in collected.blocks:
        if block.plain is not None and block.plain.strip():
            texts.append(block.plain)
        elif block.html:
            texts.append(html_to_text(block.html))
        if block.html:
            htmls.append(block.html)
    text = "\n\n".join(t.strip("\n") for t in texts).replace("\r\n", "\n").replace("\x00", "")
    return text.strip(), "\n".join(htmls)


def _sender(message: MimeMessage) -> tuple[str, str]:
    """The first From (or Sender) address; a From without an address yields to a later one."""
    candidates: list[tuple[str, str]] = []
    for name in ("From", "Sender"):
        for raw in header_all(message, name):
            candidates.extend(addresses_parse(raw))
    for candidate in candidates:
        if candidate[1]:
            return candidate
    return candidates[0] if candidates else ("", "")


def email_parse(raw: bytes) -> ParsedEmail | ParseFailure:
    """Parse the bytes of one email (RFC 5322/MIME, an optional mbox "From " line first)."""
    if not isinstance(raw, bytes | bytearray):
        return ParseFailure("not bytes")
    raw = bytes(raw)
    try:
        # A plain single-part message is read without the feed parser (same Message).
        message = message_plain(raw) or message_from_bytes(raw, policy=compat32)
    except Exception as exc:  # noqa: BLE001 - the parser itself gave up
        return ParseFailure(f"unreadable: {type(exc).__name__}: {exc}")
    if not _looks_like_email(raw, message):
        return ParseFailure("not an email: no header lines")
    if not message.keys():
        message = _headers_recover(raw) or message
    collected = Collected()
    try:
        walk(message, collected)
    except RecursionError:
        collected.defects.append("nesting-too-deep")
    text, html = _texts(collected)
    split = reply_split(text)
    sender_name, sender = _sender(message)
    reply_to = addresses_parse(header_raw(message, "Reply-To"))
    subject = header_text(message, "Subject")
    in_reply_to = message_ids(header_raw(message, "In-Reply-To"))
    defects = [type(d).__name__ for d in message.defects] + collected.defects
    bounce = bounce_detect(message)
    auto_reason = "" if bounce else auto_reply_reason(message)
    return ParsedEmail(
        message_id=(message_ids(header_raw(message, "Message-ID")) or ("",))[0],
        sender_name=sender_name[:200],
        sender=sender,
        recipients=tuple(a for _, a in addresses_parse(header_raw(message, "To")) if a),
        cc=tuple(a for _, a in addresses_parse(header_raw(message, "Cc")) if a),
        reply_to=reply_to[0][1] if reply_to else "",
        subject=subject,
        date=date_parse(header_raw(message, "Date")),
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=message_ids(header_raw(message, "References")),
        text=text,
        reply_text=split.new,
        quoted_text=split.quoted,
        signature=split.signature,
        html=html_sanitize(html),
        attachments=tuple(collected.files),
        auto_reply=bool(auto_reason),
        auto_reply_reason=auto_reason,
        mailing_list=mailing_list(message),
        bounce=bounce,
        ticket_ref=reference_find(subject),
        helpdesk_ticket_header=(header_raw(message, "X-Helpdesk-Ticket") or "").strip()[:20],
        defects=tuple(dict.fromkeys(defects)),
    )
