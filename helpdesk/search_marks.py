"""Where the searched words are in a text: spans to mark and an excerpt around the first one.

Pure: no database. A term matches as the search does (`helpdesk.search`): accents and case
ignored, at the start of a word ("recarg" marks the "Recarg" of "Recargas"), a term of several
letter-and-digit runs ("TRX-8821", "55 1234 5678") with anything but letters and digits
between them. Marked spans are the original characters, accents and all.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

EXCERPT_CHARS = 160

Part = tuple[str, bool]  # (text, marked)

_RUN = re.compile(r"[^\W_]+")


def text_fold_mapped(text: str) -> tuple[str, list[int]]:
    """`helpdesk.search.fold(text)` and, for each folded character, the index of the original
    character it came from (folding can change lengths: "ﬁ" -> "FI")."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        decomposed = unicodedata.normalize("NFKD", char)
        for piece in decomposed:
            if not unicodedata.combining(piece):
                upper = piece.upper()
                folded.append(upper)
                origin.extend([index] * len(upper))
    return "".join(folded), origin


@cache
def _pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    alternatives = []
    for term in sorted(terms, key=len, reverse=True):  # the longest term wins a tie
        runs = _RUN.findall(term.upper())
        if runs:
            alternatives.append(r"[\W_]+".join(re.escape(run) for run in runs))
    if not alternatives:
        return None
    return re.compile(r"(?<![^\W_])(?:" + "|".join(alternatives) + ")")


def spans_find(text: str, terms: tuple[str, ...]) -> list[tuple[int, int]]:
    """(start, end) of every match of `terms` (folded, as `Search.terms`) in `text`, in order,
    not overlapping, as indexes of `text`."""
    pattern = _pattern(terms)
    if pattern is None or not text:
        return []
    folded, origin = text_fold_mapped(text)  # no alternative is empty: every match has a span
    return [
        (origin[match.start()], origin[match.end() - 1] + 1) for match in pattern.finditer(folded)
    ]


def text_marked(text: str, terms: tuple[str, ...]) -> list[Part]:
    """`text` cut into parts, the matches of `terms` marked."""
    return _parts(text, spans_find(text, terms), 0, len(text))


def excerpt_marked(text: str, terms: tuple[str, ...], width: int = EXCERPT_CHARS) -> list[Part]:
    """About `width` characters of `text` around its first match, marked; "..." where it was
    cut. No match: [] (the caller shows nothing rather than an unrelated excerpt)."""
    text = " ".join(text.split())
    spans = spans_find(text, terms)
    if not spans:
        return []
    first_start, first_end = spans[0]
    start = max(0, first_start - max(width - (first_end - first_start), 0) // 3)
    end = min(len(text), start + width)
    start = max(0, min(start, end - width))
    if start > 0:  # cut at a space, never inside a word
        space = text.find(" ", start, first_start)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", first_end, end)
        end = space if space != -1 else end
    parts = _parts(text, [s for s in spans if s[0] >= start and s[1] <= end], start, end)
    if start > 0:
        parts.insert(0, ("…", False))
    if end < len(text):
        parts.append(("…", False))
    return parts


def _parts(text: str, spans: list[tuple[int, int]], start: int, end: int) -> list[Part]:
    parts: list[Part] = []
    at = start
    for span_start, span_end in spans:
        if span_start > at:
            parts.append((text[at:span_start], False))
        parts.append((text[span_start:span_end], True))
        at = span_end
    if at < end:
        parts.append((text[at:end], False))
    return parts
