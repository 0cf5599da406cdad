"""Short human ticket references like T-7K3Q9D, and signed tracking tokens."""

from __future__ import annotations

import re
import secrets
import time

from django.core import signing

# No 0/O, 1/I/L, U: easy to read aloud over the phone.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_RE = re.compile(r"\bT-[2-9A-HJKMNP-TV-Z]{6}\b")
_SALT = "helpdesk.tracking"


def reference_new() -> str:
    return "T-" + "".join(secrets.choice(ALPHABET) for _ in range(6))


def reference_find(text: str) -> str | None:
    """The first ticket reference in `text` (e.g. a subject `[T-7K3Q9D]`), upper-cased."""
    match = REFERENCE_RE.search((text or "").upper())
    return match.group(0) if match else None


_last_token: tuple[str, float, str] = ("", 0.0, "")


def tracking_token(reference: str) -> str:
    """A signed, dated token for the tracking link of `reference`.

    Opening a ticket signs the same reference twice (acknowledgement, then the form's
    redirect): the last token is reused for a minute (its date stays within that minute).
    """
    global _last_token
    last_reference, signed_at, token = _last_token
    now = time.monotonic()
    if last_reference == reference and now - signed_at < 60:
        return token
    token = signing.dumps(reference, salt=_SALT)
    _last_token = (reference, now, token)
    return token


def tracking_reference(token: str, max_age_days: int) -> str | None:
    """The reference inside a valid token, or None for a forged or expired one."""
    try:
        value = signing.loads(token, salt=_SALT, max_age=max_age_days * 86400)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None
