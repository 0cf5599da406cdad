"""Short human ticket references like T-7K3Q9D, and signed tracking tokens."""

from __future__ import annotations

import re
import secrets

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


def tracking_token(reference: str) -> str:
    return signing.dumps(reference, salt=_SALT, compress=True)


def tracking_reference(token: str, max_age_days: int) -> str | None:
    """The reference inside a valid token, or None for a forged or expired one."""
    try:
        value = signing.loads(token, salt=_SALT, max_age=max_age_days * 86400)
    except signing.BadSignature:
        return None
    return value if isinstance(value, str) else None
