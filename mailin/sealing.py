"""Mailbox secrets sealed at rest: a password (or a URL that carries one) is never stored as
written.

Sealing is Fernet (AES-128-CBC with an HMAC-SHA256, from `cryptography`): a sealed value reads
`sealed:v1:<token>`, and anyone holding the database but not the key learns nothing from it.
The keys come from `MAILBOX_SECRET_KEYS` (Fernet keys, comma-separated: the first seals, every
one opens, so a key is rotated by putting the new one first and running
`manage.py mailbox_reseal`); without it, one key derived from Django's `SECRET_KEY`.

Values written before sealing existed (plain text, no prefix) are read as they are and sealed
on their next save (the migration re-saves every mailbox). The empty string stays empty: "no
password" is not a secret, and `url=""` filters keep working.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "sealed:v1:"


class SecretUnreadable(ValueError):
    """A sealed value none of the configured keys opens."""


def secret_seal(plain: str, keys: Sequence[str]) -> str:
    """`plain` sealed with the first of `keys` ("" stays "")."""
    if not plain:
        return ""
    return PREFIX + _fernet(tuple(keys)).encrypt(plain.encode()).decode("ascii")


def secret_open(stored: str, keys: Sequence[str]) -> str:
    """The plain text of a value `secret_seal` wrote (a legacy plain value as it is).
    Raises SecretUnreadable when no key opens it."""
    if not stored.startswith(PREFIX):
        return stored
    try:
        return _fernet(tuple(keys)).decrypt(stored[len(PREFIX) :].encode("ascii")).decode()
    except (InvalidToken, ValueError) as exc:
        raise SecretUnreadable(
            "a mailbox secret cannot be opened with the configured keys: put the key it was "
            "sealed with in MAILBOX_SECRET_KEYS (or restore the SECRET_KEY it was derived from)"
        ) from exc


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def key_derive(secret_key: str) -> str:
    """A Fernet key derived from Django's SECRET_KEY (the default when no key is configured)."""
    digest = hashlib.sha256(b"helpdesk.mailin.sealing:" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def keys_configured() -> tuple[str, ...]:
    """The keys of this process's settings, sealing key first."""
    configured = tuple(getattr(settings, "MAILBOX_SECRET_KEYS", ()) or ())
    return configured or (key_derive(settings.SECRET_KEY),)


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise SecretUnreadable("no key to seal or open mailbox secrets with")
    return MultiFernet([Fernet(key.encode("ascii")) for key in keys])
