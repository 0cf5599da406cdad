"""A ranked in-memory index (BM25 over weighted fields) with synonyms and typo tolerance.

Built once from plain `Doc` values and queried many times: a query costs a few dictionary
lookups per word plus one pass over the postings of the words it contains.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from knowledgebase.search.fuzzy import FuzzyVocabulary
from knowledgebase.search.text import (
    LANGUAGES,
    MAX_QUERY_TOKENS,
    STOPWORDS,
    concept,
    language_guess,
    stem,
    synonym_words,
    terms,
    words,
)

FIELD_WEIGHTS = {"title": 3.0, "keywords": 2.5, "summary": 1.5, "symptoms": 1.5, "body": 1.0}
CONCEPT_WEIGHT = 0.8
FUZZY_WEIGHT = 0.7
PHRASE_WEIGHT = 1.5
# Stems of the other language than the query's count less ("red" is a colour in English).
OTHER_LANGUAGE_WEIGHT = 0.4
# Extra score when the whole query appears as typed in a title or a keyword phrase.
EXACT_BONUS = 0.25
K1 = 1.2
B = 0.5
# Postings are kept best-first and cut here: a document outside a word's top few hundred
# gains too little from that word to reach the first page, and the cut bounds query cost.
MAX_POSTINGS = 300


@dataclass(frozen=True)
class Doc:
    id: int
    slug: str
    title: str
    area: str
    language: str
    summary: str = ""
    keywords: tuple[str, ...] = ()
    symptoms: str = ""
    body: str = ""
    group: str = ""  # shared by an article and its translation
    public: bool = True
    published: bool = True
    section: str = ""


@dataclass(frozen=True)
class Hit:
    doc: Doc
    score: float


@dataclass
class _Query:
    # One entry per query word: the index terms it stands for, with their weights.
    words: list[dict[str, float]] = field(default_factory=list)


class SearchIndex:
    def __init__(self, docs: Iterable[Doc]) -> None:
        self.docs: list[Doc] = list(docs)
        self.by_group: dict[str, list[int]] = defaultdict(list)
        self.phrases: list[str] = []
        weighted: list[dict[str, float]] = []
        surface: set[str] = set()
        for position, doc in enumerate(self.docs):
            self.by_group[doc.group or doc.slug].append(position)
            counts: dict[str, float] = defaultdict(float)
            fields = {
                "title": doc.title,
                "keywords": " , ".join(doc.keywords),
                "summary": doc.summary,
                "symptoms": doc.symptoms,
                "body": doc.body,
            }
            for name, text in fields.items():
                for term in terms(text, doc.language):
                    counts[term] += FIELD_WEIGHTS[name]
            weighted.append(counts)
            plain = [
                " ".join(w for w in words(text) if not w.startswith("~"))
                for text in (doc.title, *doc.keywords)
            ]
            self.phrases.append(" | " + " | ".join(plain) + " | ")
            surface.update(
                w
                for w in words(doc.title + " " + " ".join(doc.keywords))
                if not w.startswith("~") and w not in STOPWORDS
            )
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        count = len(self.docs) or 1
        lengths = [sum(c.values()) for c in weighted]
        average = (sum(lengths) / count) or 1.0
        frequency: Counter[str] = Counter()
        for counts in weighted:
            frequency.update(counts.keys())
        for position, counts in enumerate(weighted):
            norm = K1 * (1 - B + B * lengths[position] / average)
            for term, tf in counts.items():
                df = frequency[term]
                idf = math.log(1 + (count - df + 0.5) / (df + 0.5))
                self.postings[term].append((position, idf * tf * (K1 + 1) / (tf + norm)))
        for entries in self.postings.values():
            entries.sort(key=lambda entry: -entry[1])
            del entries[MAX_POSTINGS:]
        self.fuzzy = FuzzyVocabulary(surface | synonym_words())

    def __len__(self) -> int:
        return len(self.docs)

    def _word_terms(self, word: str, guess: str | None = None) -> dict[str, float]:
        found: dict[str, float] = {}
        for language in LANGUAGES:
            weight = OTHER_LANGUAGE_WEIGHT if guess and language != guess else 1.0
            found[f"{language}:{stem(word, language)}"] = weight
            if name := concept(word, language):
                found[name] = CONCEPT_WEIGHT
        return {term: weight for term, weight in found.items() if term in self.postings}

    def parse(self, query: str) -> _Query:
        parsed = _Query()
        seen: set[str] = set()
        tokens = words(query)
        guess = language_guess(tokens)
        for word in tokens:
            if word in seen or (word in STOPWORDS and not word.startswith("~")):
                continue
            seen.add(word)
            if len(seen) > MAX_QUERY_TOKENS:
                break
            if word.startswith("~"):
                # A whole phrase customers use ("sin servicio") is strong evidence.
                if word in self.postings:
                    parsed.words.append({word: PHRASE_WEIGHT})
                continue
            if len(word) < 2:
                continue
            matched = self._word_terms(word, guess)
            if not matched:
                for candidate, _distance in self.fuzzy.nearest(word):
                    for term, weight in self._word_terms(candidate, guess).items():
                        matched[term] = max(matched.get(term, 0.0), weight * FUZZY_WEIGHT)
            if matched:
                parsed.words.append(matched)
        return parsed

    def search(
        self,
        query: str,
        *,
        allow: Callable[[Doc], bool] = lambda doc: doc.public and doc.published,
        limit: int = 10,
        prefer_language: str | None = None,
    ) -> list[Hit]:
        """Best documents for `query`, one per translation group, best first."""
        parsed = self.parse(query)
        if not parsed.words:
            return []
        scores: dict[int, float] = {}
        matched_words: dict[int, int] = {}
        for word_terms in parsed.words:
            word_scores: dict[int, float] = {}
            for term, weight in word_terms.items():
                get = word_scores.get
                for position, score in self.postings[term]:
                    word_scores[position] = get(position, 0.0) + weight * score
            get_score, get_count = scores.get, matched_words.get
            for position, score in word_scores.items():
                scores[position] = get_score(position, 0.0) + score
                matched_words[position] = get_count(position, 0) + 1
        total = len(parsed.words)
        candidates = (
            (score * (0.5 + 0.5 * matched_words[position] / total), position)
            for position, score in scores.items()
        )
        # Enough candidates for the groups and filters to still fill `limit`; else sort all.
        ranked = heapq.nlargest(limit * 8 + 50, candidates)
        if len(ranked) < len(scores) and not self._fills(ranked, allow, limit):
            ranked = sorted(
                (
                    (score * (0.5 + 0.5 * matched_words[p] / total), p)
                    for p, score in scores.items()
                ),
                reverse=True,
            )
        typed = " ".join(w for w in words(query) if not w.startswith("~"))
        if " " in typed and ranked:
            # Only the head of the ranking can be reordered by an exact phrase match.
            head = [
                (
                    score * (1 + EXACT_BONUS) if f" {typed} " in self.phrases[position] else score,
                    position,
                )
                for score, position in ranked[:50]
            ]
            ranked = sorted(head, reverse=True) + ranked[50:]
        hits: list[Hit] = []
        groups: set[str] = set()
        for score, position in ranked:
            doc = self.docs[position]
            group = doc.group or doc.slug
            if group in groups or not allow(doc):
                continue
            groups.add(group)
            if prefer_language and doc.language != prefer_language:
                doc = self._in_language(group, prefer_language, allow) or doc
            hits.append(Hit(doc=doc, score=round(score, 4)))
            if len(hits) >= limit:
                break
        return hits

    def _fills(
        self, ranked: list[tuple[float, int]], allow: Callable[[Doc], bool], limit: int
    ) -> bool:
        groups = {self.docs[p].group or self.docs[p].slug for _, p in ranked if allow(self.docs[p])}
        return len(groups) >= limit

    def _in_language(self, group: str, language: str, allow: Callable[[Doc], bool]) -> Doc | None:
        for position in self.by_group.get(group, []):
            doc = self.docs[position]
            if doc.language == language and allow(doc):
                return doc
        return None
