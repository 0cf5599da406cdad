"""Composing an outgoing email from plain values: subject with the reference, threading
headers, text and HTML parts, attachments. Pure apart from reading settings for names."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import nh3
from django.core.mail import EmailMultiAlternatives
from django.utils.html import escape, linebreaks

from helpdesk.references import REFERENCE_RE

_REPLY_PREFIX = re.compile(r"^\s*((re|rv|fwd?|aw|wg|sv)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
MAX_REFERENCES = 20


@dataclass(frozen=True)
class OutgoingEmail:
    reference: str
    subject: str  # the ticket's subject
    text: str
    to: str
    from_email: str
    message_id: str
    tracking_url: str
    html: str = ""  # the agent's HTML, sanitised here again
    thread_ids: Sequence[str] = ()  # Message-IDs of earlier mail in the ticket, oldest first
    automatic: bool = False
    reply: bool = True
    files: Sequence[tuple[str, bytes, str]] = field(default_factory=tuple)


def subject_compose(reference: str, subject: str, reply: bool = True) -> str:
    """`Re: [T-7K3Q9D] Sin señal`: one reference tag, one reply prefix, whatever came in."""
    base = _REPLY_PREFIX.sub("", REFERENCE_RE.sub("", subject or "").replace("[]", "")).strip()
    base = re.sub(r"\s+", " ", base) or "Su solicitud"
    return f"{'Re: ' if reply else ''}[{reference}] {base}"


def email_build(outgoing: OutgoingEmail) -> EmailMultiAlternatives:
    footer_text = f"\n\n--\nSeguimiento de su caso {outgoing.reference}: {outgoing.tracking_url}\n"
    body_html = (
        nh3.clean(outgoing.html) if outgoing.html.strip() else linebreaks(escape(outgoing.text))
    )
    html = (
        f"{body_html}<hr><p>Seguimiento de su caso "
        f'<a href="{escape(outgoing.tracking_url)}">{escape(outgoing.reference)}</a></p>'
    )
    headers = {"Message-ID": outgoing.message_id, "X-Helpdesk-Ticket": outgoing.reference}
    previous = [item for item in outgoing.thread_ids if item]
    if previous:
        headers["In-Reply-To"] = previous[-1]
        headers["References"] = " ".join(previous[-MAX_REFERENCES:])
    if outgoing.automatic:
        # RFC 3834: robots must not answer this, and Exchange must not send its OOF to it.
        headers["Auto-Submitted"] = "auto-replied"
        headers["X-Auto-Response-Suppress"] = "All"
    email = EmailMultiAlternatives(
        subject=subject_compose(
            outgoing.reference, outgoing.subject, reply=outgoing.reply and bool(previous)
        ),
        body=outgoing.text + footer_text,
        from_email=outgoing.from_email,
        to=[outgoing.to],
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    for filename, content, content_type in outgoing.files:
        email.attach(filename, content, content_type)
    return email
