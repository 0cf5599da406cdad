"""The compiled lexicon and the evidence it finds in a message."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from helpdesk.triage.analysis import Analysed, Phrase, is_dismissed, phrase_compile, phrase_find
from helpdesk.triage.vocabulary import ENGLISH, PURCHASE_INTENT, SPANISH, lexicon_lines


@dataclass(frozen=True)
class Entry:
    category: str
    weight: float
    phrase: Phrase


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: a phrase that points to a label, and how strongly."""

    label: str  # a category, or "queue:<slug>" for evidence about the queue only
    weight: float
    text: str
    source: str  # "lexicon", "rule", "learned"
    dismissed: bool = False


@cache
def _entries() -> tuple[tuple[Entry, ...], dict[str, tuple[Entry, ...]]]:
    # "recarga" and "recargar" share a stem: one entry per (area, keys), the strongest.
    strongest: dict[tuple[str, tuple[str, ...]], Entry] = {}
    for lang, table in (("es", SPANISH), ("en", ENGLISH)):
        for category, weight, text in lexicon_lines(table):
            entry = Entry(category, weight, phrase_compile(text, lang))
            known = strongest.get((category, entry.phrase.keys))
            if known is None or abs(weight) > abs(known.weight):
                strongest[(category, entry.phrase.keys)] = entry
    entries = list(strongest.values())
    # Index by the first key: a message only checks entries whose first term it contains.
    index: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.phrase.keys:
            index.setdefault(entry.phrase.keys[0], []).append(entry)
    return tuple(entries), {key: tuple(value) for key, value in index.items()}


@cache
def _intent() -> tuple[Phrase, ...]:
    phrases = [p.strip() for p in PURCHASE_INTENT.split("|")]
    return tuple(phrase_compile(p, "es") for p in phrases) + tuple(
        phrase_compile(p, "en") for p in phrases
    )


def lexicon_evidence(analysed: Analysed) -> list[Evidence]:
    """Every lexicon phrase found in the message, dismissed ones marked as such."""
    _, index = _entries()
    found: dict[tuple[str, tuple[int, ...]], Evidence] = {}
    seen: set[int] = set()
    for key in analysed.positions:
        for entry in index.get(key, ()):
            if id(entry) in seen:
                continue
            seen.add(id(entry))
            at = phrase_find(entry.phrase, analysed)
            if at is None:
                continue
            # Words matched twice for one area ("plan" and "planes", Spanish and English) count
            # once, with the strongest weight.
            text = entry.phrase.text.replace("=", "")
            known = found.get((entry.category, at))
            if known is None or entry.weight > known.weight:
                found[(entry.category, at)] = Evidence(
                    label=entry.category,
                    weight=entry.weight,
                    text=text,
                    source="lexicon",
                    dismissed=is_dismissed(analysed, at),
                )
    return list(found.values())


def purchase_intent(analysed: Analysed) -> str | None:
    """The first purchase-intent phrase in the message ("me interesa", "cuánto cuesta")."""
    for phrase in _intent():
        at = phrase_find(phrase, analysed)
        if at is not None and not is_dismissed(analysed, at):
            return phrase.text.replace("=", "")
    return None
