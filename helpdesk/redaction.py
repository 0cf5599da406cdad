"""Secret redaction for inbound text: pure, no Django.

Customers sometimes send what they must never send (seed 001: passwords never travel by email
or chat): passwords, PINs, PUK codes, card numbers and CVVs. We store the text with those values
replaced by a marker and tell the customer why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MARK = "[oculto]"

# "mi contraseña es hunter2", "password: x", "clave: 1234", "PIN 4321", "PUK: 12345678", "cvv 123"
_LABELS = {
    "password": r"contrase(?:ñ|n)as?|passwords?|pass|clave(?:\s+de\s+acceso)?|passwd|pwd",
    "pin": r"pin|nip",
    "puk": r"puk\d?",
    "cvv": r"cvv2?|cvc2?|c[oó]digo\s+de\s+seguridad|security\s+code",
}
_CONNECTOR = r"(?:\s*(?:es|is|era|was|sería|nueva|new|actual|=|:|->|→)\s*|\s*:\s*|\s+)"
_VALUE = {
    "password": r"(?P<value>[^\s,;]{3,64})",
    "pin": r"(?P<value>\d{4,8})\b",
    "puk": r"(?P<value>\d{8})\b",
    "cvv": r"(?P<value>\d{3,4})\b",
}
_LABELLED = {
    kind: re.compile(
        rf"\b(?:mi\s+|my\s+|el\s+|la\s+|the\s+)?(?:{label})\b(?:\s+(?:es|is|de|del|of))?"
        rf"(?:\s+(?:mi|my|la|el|tarjeta|card|sim|chip))*{_CONNECTOR}" + _VALUE[kind],
        re.IGNORECASE,
    )
    for kind, label in _LABELS.items()
}
# 13 to 19 digits, optionally grouped by spaces or dashes.
_CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
_STOP_VALUES = {
    "es",
    "is",
    "de",
    "no",
    "y",
    "and",
    "el",
    "la",
    "que",
    "funciona",
    "works",
    "olvide",
    "olvidé",
    "forgot",
    "incorrecta",
    "incorrect",
    "wrong",
    "bloqueado",
    "bloqueada",
}


@dataclass(frozen=True)
class Redaction:
    text: str
    kinds: tuple[str, ...] = field(default_factory=tuple)

    @property
    def changed(self) -> bool:
        return bool(self.kinds)


def luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def redact(text: str) -> Redaction:
    """Replace secrets in `text` by MARK; report which kinds were found (sorted, unique)."""
    kinds: set[str] = set()

    def card(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group(0))
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            kinds.add("card")
            return MARK
        return match.group(0)

    result = _CARD.sub(card, text)
    for kind, pattern in _LABELLED.items():

        def labelled(match: re.Match[str], kind: str = kind) -> str:
            value = match.group("value")
            if value.lower().strip(".") in _STOP_VALUES or value == MARK:
                return match.group(0)
            kinds.add(kind)
            start, end = match.span("value")
            offset = match.start()
            whole = match.group(0)
            return whole[: start - offset] + MARK + whole[end - offset :]

        result = pattern.sub(labelled, result)
    return Redaction(text=result, kinds=tuple(sorted(kinds)))


def looks_secret(text: str) -> bool:
    """True when `text` holds something `redact` would hide (the widget warns before sending)."""
    return redact(text).changed
