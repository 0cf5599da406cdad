"""Typo tolerance: a deletion-neighbourhood index (SymSpell) verified by edit distance.

Looking a word up costs a few dictionary probes however large the vocabulary is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def max_distance(word: str) -> int:
    """Typos allowed: none for short words (they collide too easily), then one, then two."""
    if len(word) < 4:
        return 0
    return 1 if len(word) < 8 else 2


def _deletes(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w)) if len(w) > 1}
        found |= frontier
    return found


def distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Damerau-Levenshtein with adjacent swaps)."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


class FuzzyVocabulary:
    """Words known to the index; `nearest` returns the closest ones to a misspelled word."""

    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.words = set(vocabulary)
        self._deletes: dict[str, set[str]] = defaultdict(set)
        for word in self.words:
            for variant in _deletes(word, max_distance(word)):
                self._deletes[variant].add(word)

    def nearest(self, word: str) -> list[tuple[str, int]]:
        """Closest vocabulary words within the allowed distance, nearest first."""
        limit = max_distance(word)
        if limit == 0 or word in self.words:
            return []
        candidates: set[str] = set()
        for variant in _deletes(word, limit):
            candidates |= self._deletes.get(variant, set())
        scored = []
        for candidate in candidates:
            allowed = min(limit, max_distance(candidate))
            if abs(len(candidate) - len(word)) > allowed:
                continue
            found = distance(word, candidate)
            if 0 < found <= allowed:
                scored.append((candidate, found))
        scored.sort(key=lambda item: (item[1], item[0]))
        best = scored[0][1] if scored else 0
        return [item for item in scored if item[1] == best][:3]
