"""Which ticket an email continues. Pure: the selector hands in what the database knows.

Order of evidence: Message-IDs it answers (In-Reply-To, then References, nearest first) against
every message we received or sent; then the ticket reference in the subject ([T-7K3Q9D]), even
under a new subject; then, optionally, the same sender with the same normalised subject within
a short window.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from helpdesk.references import REFERENCE_RE

# RE, RV, Fwd, FW, AW, WG, SV, TR, Antw, R, RES, ENC and their counted forms Re[2], AW(3).
_PREFIX = re.compile(
    r"^\s*(?:re|rv|fwd?|aw|wg|sv|vs|tr|antw|antwort|res|enc|odp|r|ref)"
    r"\s*(?:\[\d+\]|\(\d+\))?\s*:\s*",
    re.IGNORECASE,
)
_TAG = re.compile(r"\[\s*(?:T-[0-9A-Z]{6}|Ticket#\d+)\s*\]", re.IGNORECASE)


def subject_normalize(subject: str) -> str:
    """The subject without reply/forward prefixes and ticket tags, for comparison."""
    text = _TAG.sub(" ", subject or "")
    text = REFERENCE_RE.sub(" ", text)
    previous = None
    while previous != text:
        previous = text
        text = _PREFIX.sub("", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class ThreadKeys:
    message_ids: tuple[str, ...]  # nearest first
    reference: str | None
    sender: str
    subject_key: str


@dataclass(frozen=True)
class ThreadMatch:
    ticket_id: int | None
    how: str  # "message-id", "reference", "subject", or "" for a new ticket


@dataclass(frozen=True)
class RecentTicket:
    ticket_id: int
    subject_key: str


def thread_choose(
    keys: ThreadKeys,
    by_message_id: Mapping[str, int],
    by_reference: int | None,
    recent: Sequence[RecentTicket] = (),
) -> ThreadMatch:
    """Pick the ticket from the evidence the selector found."""
    for message_id in keys.message_ids:
        if message_id in by_message_id:
            return ThreadMatch(by_message_id[message_id], "message-id")
    if by_reference is not None:
        return ThreadMatch(by_reference, "reference")
    if keys.subject_key:
        for ticket in recent:
            if ticket.subject_key == keys.subject_key:
                return ThreadMatch(ticket.ticket_id, "subject")
    return ThreadMatch(None, "")
