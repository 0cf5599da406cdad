"""What an agent typed in the search box, understood: a reference, an address, a line or words.

Pure: no database. `helpdesk/search_filters.py` turns a `Search` into a ticket filter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from helpdesk.references import REFERENCE_RE
from helpdesk.services.contacts import phone_normalize

Kind = Literal["empty", "reference", "email", "phone", "text"]

MAX_CHARS = 200
MAX_TERMS = 6
MIN_TERM_CHARS = 2
MIN_PHONE_DIGITS = 7

_PHONE_CHARS = re.compile(r"^\+?[\d\s().-]+$")
_WORD = re.compile(r"[^\W_]+(?:[@.+-][^\W_]+)*")


@dataclass(frozen=True)
class Search:
    kind: Kind
    value: str = ""  # the reference, the lower-cased address or the E.164 line
    terms: tuple[str, ...] = ()  # for text: folded words, all of which must match


EMPTY = Search("empty")


def fold(text: str) -> str:
    """Upper-case without accents ("Conexión" -> "CONEXION", "ñ" -> "N").

    The same folding as PostgreSQL's `upper(unaccent(...))` for Latin letters, so the text an
    agent types and the stored text meet on either database.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def search_parse(raw: str) -> Search:
    """Read the search box. A ticket reference, an email address or a phone line is looked up
    exactly; anything else is words that must each appear in the subject or the contact's name
    (accents and case ignored)."""
    text = " ".join((raw or "").split())[:MAX_CHARS]
    if not text:
        return EMPTY
    upper = text.upper()
    if REFERENCE_RE.fullmatch(upper):
        return Search("reference", upper)
    if "@" in text and " " not in text:
        try:
            validate_email(text)
        except ValidationError:
            pass
        else:
            return Search("email", text.lower())
    if _PHONE_CHARS.match(text) and sum(c.isdigit() for c in text) >= MIN_PHONE_DIGITS:
        return Search("phone", phone_normalize(text))
    terms = _terms(text)
    return Search("text", terms=terms) if terms else EMPTY


def _terms(text: str) -> tuple[str, ...]:
    seen: list[str] = []
    for word in _WORD.findall(fold(text)):
        if len(word) >= MIN_TERM_CHARS and word not in seen:
            seen.append(word)
    return tuple(seen[:MAX_TERMS])
