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
_PART = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Search:
    kind: Kind
    value: str = ""  # the reference, the lower-cased address or the E.164 line
    terms: tuple[str, ...] = ()  # for text and phone: folded words, all of which must match


EMPTY = Search("empty")


def fold(text: str) -> str:
    """Upper-case without accents ("Conexión" -> "CONEXION", "ñ" -> "N").

    The same folding as PostgreSQL's `upper(unaccent(...))` for Latin letters, so the text an
    agent types and the stored text meet on either database.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).upper()


def search_parse(raw: str) -> Search:
    """Read the search box. A ticket reference or an email address is looked up exactly, a
    number that may be a phone line both as the contact's line and as words (a folio or a
    transaction number); anything else is words that must each appear in the subject, the
    contact's name or a message of the ticket (accents and case ignored)."""
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
        # A line, or a folio or transaction number written in a subject or a message: one
        # term, its digit groups in a row.
        return Search("phone", phone_normalize(text), terms=(fold(text),))
    terms = _terms(text)
    return Search("text", terms=terms) if terms else EMPTY


def _terms(text: str) -> tuple[str, ...]:
    seen: list[str] = []
    for word in _WORD.findall(fold(text)):
        if len(word) >= MIN_TERM_CHARS and word not in seen:
            seen.append(word)
    return tuple(seen[:MAX_TERMS])


def words_query(term: str) -> str:
    """A search word as a text-search query over the words of a message (PostgreSQL's
    `to_tsquery('simple', ...)` syntax): the word's letter-and-digit runs in a row, the last
    one a prefix. "recarga" -> "recarga:*", "5.000" -> "5 <-> 000:*", "TRX-8821" ->
    "trx <-> 8821:*". Only letters, digits and the operators: safe to pass as a query."""
    parts = _PART.findall(fold(term).lower())
    return " <-> ".join(parts) + ":*"


def message_words(text: str) -> list[str]:
    """A message's words as the message index keeps them: folded, lower case, split at
    everything that is not a letter or a digit ("$5.000" -> ["5", "000"])."""
    return _PART.findall(fold(text).lower())


def words_match(text: str, query: str) -> bool:
    """Whether `text` holds the words of `query` (a `words_query`): what PostgreSQL's
    `helpdesk_words(text) @@ to_tsquery('simple', query)` answers, for SQLite."""
    parts = query.removesuffix(":*").split(" <-> ")
    *whole, prefix = parts
    words = message_words(text)
    for start in range(len(words) - len(parts) + 1):
        end = start + len(whole)
        if words[start:end] == whole and words[end].startswith(prefix):
            return True
    return False
