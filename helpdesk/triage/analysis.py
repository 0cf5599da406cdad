"""A message prepared for matching, and phrase matching over it.

`analyse(text)` keeps the normalised words (with clause breaks) and, for every word that is not a
stop word, its Spanish and English stems. A `Phrase` ("no me entra la recarga") is compiled the
same way and matches when all its terms occur close together, in any order: customers write
"la recarga no me entra" as often as "no me entra la recarga".
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache

from helpdesk.triage.fuzzy import correct
from helpdesk.triage.negation import dismissed_positions
from helpdesk.triage.normalize import BREAK, tokens
from helpdesk.triage.stemming import is_stop, stem_en, stem_es

# Function words that tell Spanish from English; English stems are only tried on English text
# ("calle" is a street, not a "call").
_SPANISH_TEXT = (
    "el la los las de del que y por para con mi mis se es un una al lo le tengo pero estoy esta"
    " como cuando desde hace porque tambien muy ya hola"
)
_ENGLISH_TEXT = (
    "the to my i is and of for on it you can do with have was this are at from how what why"
    " since please hello hi"
)
_SPANISH_MARKERS = frozenset(_SPANISH_TEXT.split())
_ENGLISH_MARKERS = frozenset(_ENGLISH_TEXT.split())
# What a customer says first decides the triage; the rest of a long email adds cost, not sense.
MAX_CHARS = 6000
# How many extra content words a phrase may have between its own terms.
GAP = 1


@dataclass(frozen=True)
class Term:
    """One content word of a message: its position among the words, the word and its stems."""

    index: int
    word: str
    es: str

    @property
    def en(self) -> str:
        # Asked for only when the text may be English: Spanish text skips the English stemmer.
        return stem_en(self.word)


@dataclass(frozen=True)
class Analysed:
    words: tuple[str, ...]
    terms: tuple[Term, ...]
    dismissed: frozenset[int]
    # key -> positions (in `terms`) for every word ("=w"), Spanish stem ("es:s") and English
    # stem ("en:s")
    positions: dict[str, tuple[int, ...]]

    @property
    def empty(self) -> bool:
        return not self.terms


@dataclass(frozen=True)
class Phrase:
    """A lexicon or rule phrase, readable (`text`) and compiled (`keys`)."""

    text: str
    keys: tuple[str, ...]


def analyse(text: str) -> Analysed:
    """Prepare `text` for matching; only its first MAX_CHARS characters are read."""
    words = tuple(correct(w) if w != BREAK else w for w in tokens(text[:MAX_CHARS]))
    lang = language_guess(words)
    terms: list[Term] = []
    positions: dict[str, list[int]] = {}
    for index, word in enumerate(words):
        if word == BREAK or is_stop(word):
            continue
        term = Term(index, word, stem_es(word))
        slot = len(terms)
        terms.append(term)
        positions.setdefault(f"={word}", []).append(slot)
        if lang != "en":
            positions.setdefault(f"es:{term.es}", []).append(slot)
        if lang != "es":
            positions.setdefault(f"en:{stem_en(word)}", []).append(slot)
    return Analysed(
        words=words,
        terms=tuple(terms),
        dismissed=dismissed_positions(words),
        positions={key: tuple(value) for key, value in positions.items()},
    )


def language_guess(words: tuple[str, ...]) -> str:
    """ "es", "en", or "both" when the function words do not tell (one-word messages)."""
    spanish = sum(word in _SPANISH_MARKERS for word in words)
    english = sum(word in _ENGLISH_MARKERS for word in words)
    if spanish > english:
        return "es"
    if english > spanish:
        return "en"
    return "both"


@lru_cache(maxsize=8192)
def phrase_compile(text: str, lang: str = "es") -> Phrase:
    """Compile "no =carga internet": stems by default, `=word` for an exact word."""
    keys: list[str] = []
    for piece in text.split():
        exact = piece.startswith("=")
        for word in tokens(piece.lstrip("=")):
            if word == BREAK or (is_stop(word) and len(text.split()) > 1):
                continue
            if exact:
                keys.append(f"={word}")
            else:
                keys.append(f"{lang}:{stem_es(word) if lang == 'es' else stem_en(word)}")
    return Phrase(text=text, keys=tuple(dict.fromkeys(keys)))


def phrase_find(phrase: Phrase, analysed: Analysed) -> tuple[int, ...] | None:
    """Positions (in `analysed.terms`) where every key of `phrase` occurs within a short window.

    Returns None when the phrase is not there.
    """
    if not phrase.keys:
        return None
    lists = []
    for key in phrase.keys:
        found = analysed.positions.get(key)
        if not found:
            return None
        lists.append(found)
    if len(lists) == 1:
        return (lists[0][0],)
    window = len(lists) + GAP
    anchors = min(lists, key=len)
    for anchor in anchors:
        chosen = [_nearest(positions, anchor) for positions in lists]
        if len(set(chosen)) == len(chosen) and max(chosen) - min(chosen) < window:
            return tuple(sorted(chosen))
    return None


def _nearest(positions: tuple[int, ...], anchor: int) -> int:
    at = bisect_left(positions, anchor)
    if at == 0:
        return positions[0]
    if at == len(positions):
        return positions[-1]
    before, after = positions[at - 1], positions[at]
    return before if anchor - before <= after - anchor else after


def is_dismissed(analysed: Analysed, found: tuple[int, ...]) -> bool:
    """True when every word of a match sits in a dismissed span ("no es la señal")."""
    return all(analysed.terms[slot].index in analysed.dismissed for slot in found)


def content_stems(analysed: Analysed) -> tuple[str, ...]:
    """Spanish stems of the content words, in order (the features learning works on)."""
    return tuple(term.es for term in analysed.terms)
