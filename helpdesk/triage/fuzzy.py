"""Typo correction against the triage vocabulary ("factrua" -> "factura", "recarag" -> "recarga").

Symmetric-delete lookup at edit distance one: a word and each of its one-letter deletions are
looked up among the known words and their deletions, which covers a wrong, missing, extra or
swapped letter. Only unknown words of five letters or more are corrected, and only when exactly
one known word fits, so ordinary words are left alone.
"""

from __future__ import annotations

from functools import cache, lru_cache

from helpdesk.triage.normalize import tokens
from helpdesk.triage.stemming import is_stop, stem_es

MIN_LENGTH = 5


def _deletions(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@cache
def _index() -> tuple[frozenset[str], frozenset[str], dict[str, frozenset[str]]]:
    from helpdesk.triage.vocabulary import known_phrases

    known: set[str] = set()
    for phrase in known_phrases():
        for piece in phrase.split():
            known.update(w for w in tokens(piece.lstrip("=")) if w.isalpha())
    stems = frozenset(stem_es(word) for word in known)
    index: dict[str, set[str]] = {}
    for word in known:
        if len(word) < MIN_LENGTH:
            continue
        for key in {word} | _deletions(word):
            index.setdefault(key, set()).add(word)
    return frozenset(known), stems, {k: frozenset(v) for k, v in index.items()}


@lru_cache(maxsize=65536)
def correct(word: str) -> str:
    """The known word `word` is a one-letter slip of, or `word` itself."""
    if len(word) < MIN_LENGTH or not word.isalpha() or is_stop(word):
        return word
    known, stems, index = _index()
    if word in known or stem_es(word) in stems:
        return word
    candidates: set[str] = set()
    for key in {word} | _deletions(word):
        candidates.update(c for c in index.get(key, ()) if _one_edit(word, c))
    if len({stem_es(c) for c in candidates}) == 1:
        return min(candidates)
    return word


def _one_edit(a: str, b: str) -> bool:
    """True when `a` and `b` differ by one substitution, insertion, deletion or swap."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))
