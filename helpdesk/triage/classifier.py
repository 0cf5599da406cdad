"""Spanish-first triage of a customer's message: queue, fault area, clarification flag.

Pure: plain values in (the text, rules and learned terms), a `Classification` out, no database.
Evidence comes from the built-in lexicon (`vocabulary`), supervisors' rules (`Rule`, edited in
the admin) and terms learned from agents' corrections (`Learned`); each piece is kept as a
readable reason.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from helpdesk.triage.analysis import (
    Analysed,
    analyse,
    content_stems,
    is_dismissed,
    phrase_compile,
    phrase_find,
)
from helpdesk.triage.clarification import clarification_detect
from helpdesk.triage.labels import (
    CATEGORIES,
    QUEUES,
    TECHNICAL_CATEGORIES,
    category_label,
    queue_label,
    queue_of,
)
from helpdesk.triage.lexicon import Evidence, lexicon_evidence, purchase_intent

# How much one matching rule keyword weighs, per unit of the rule's weight: a strong word.
RULE_UNIT = 3.0
# Score at which the evidence for a label counts as strong (confidence ~63% of its share).
STRENGTH_SCALE = 2.5
MAX_REASONS = 8


@dataclass(frozen=True)
class Classification:
    queue: str
    category: str
    clarification: bool
    confidence: float
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Rule:
    """A supervisor's rule as plain values: any keyword line matching adds its evidence."""

    name: str
    keywords: tuple[str, ...]
    queue: str = ""
    category: str = ""
    clarification: bool = False
    weight: float = 1.0


@dataclass(frozen=True)
class Learned:
    """A stem's learned weight towards a label (`label_kind` is "queue" or "category")."""

    term: str
    label_kind: str
    label: str
    weight: float


@dataclass(frozen=True)
class LearnedIndex:
    """Learned terms by stem, built once and reused for every message."""

    by_term: Mapping[str, tuple[Learned, ...]] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_term.values())


def learned_index(learned: Iterable[Learned]) -> LearnedIndex:
    by_term: dict[str, list[Learned]] = defaultdict(list)
    for item in learned:
        if item.weight:
            by_term[item.term].append(item)
    return LearnedIndex({term: tuple(items) for term, items in by_term.items()})


def classify(
    text: str,
    subject: str = "",
    rules: Iterable[Rule] = (),
    learned: Iterable[Learned] | LearnedIndex = (),
) -> Classification:
    """Classify one message (and its subject, if any)."""
    analysed = analyse(f"{subject}.\n{text}" if subject.strip() else text)
    if not isinstance(learned, LearnedIndex):
        learned = learned_index(learned)
    evidence = lexicon_evidence(analysed)
    clarification = clarification_detect(analysed)
    clar_score = clarification.score
    clar_reasons = [f"aclaración de cuenta: «{cue}»" for cue in clarification.cues]
    for rule in rules:
        for keyword in _rule_matches(rule, analysed):
            evidence += _rule_evidence(rule, keyword)
            if rule.clarification:
                clar_score += max(rule.weight, 1.0)
                clar_reasons.append(f"aclaración de cuenta: regla «{rule.name}» («{keyword}»)")
    evidence += _learned_evidence(analysed, learned)
    return _decide(analysed, evidence, clar_score >= 1.0, clar_score, clar_reasons)


def _decide(
    analysed: Analysed,
    evidence: list[Evidence],
    clarification: bool,
    clar_score: float,
    clar_reasons: list[str],
) -> Classification:
    scores: dict[str, float] = defaultdict(float)
    for item in evidence:
        if not item.dismissed:
            scores[item.label] += item.weight
    reasons: list[str] = []
    tie_break = _sales_or_billing(analysed, scores, clarification)
    categories = {c: max(scores.get(c, 0.0), 0.0) for c in CATEGORIES}
    queues = {
        "technical": sum(categories[c] for c in TECHNICAL_CATEGORIES),
        "billing": categories["billing"],
        "sales": categories["sales"],
    }
    for queue in QUEUES:
        queues[queue] = max(queues[queue] + scores.get(f"queue:{queue}", 0.0), 0.0)

    if clarification:
        queue, category = "billing", "billing"
    else:
        queue = max(QUEUES, key=lambda q: (queues[q], -QUEUES.index(q)))
        if queue == "technical":
            category = max(TECHNICAL_CATEGORIES, key=lambda c: categories[c])
            if categories[category] <= 0:
                category = "other"
        else:
            category = queue
    if tie_break and tie_break.startswith(queue_label(queue)):
        reasons.append(tie_break)
    confidence = _confidence(categories, queues, queue, category)
    if clarification:
        confidence = max(confidence, 1.0 - math.exp(-clar_score * 1.2))
        reasons += clar_reasons[:3]
        reasons.append("las aclaraciones de cuenta van a facturación (respuesta escrita en 24 h)")
    reasons = _evidence_reasons(evidence, category, queue) + reasons
    if not any(item.weight > 0 and not item.dismissed for item in evidence) and not clarification:
        reasons.append("sin palabras reconocidas: área «otro», requiere revisión humana")
    runner_up = _runner_up(categories, category)
    if runner_up:
        reasons.append(f"también menciona: {category_label(runner_up)}")
    return Classification(
        queue=queue,
        category=category,
        clarification=clarification,
        confidence=round(min(max(confidence, 0.0), 1.0), 3),
        reasons=tuple(dict.fromkeys(reasons))[:MAX_REASONS],
    )


def _sales_or_billing(analysed: Analysed, scores: dict[str, float], clarification: bool) -> str:
    """Billing or sales when a message has words of both ("plan", "recarga", "precio").

    Tips the scores and returns the reason, or "" when there is nothing to decide.
    """
    if clarification or scores.get("sales", 0) <= 0 or scores.get("billing", 0) <= 0:
        return ""
    intent = purchase_intent(analysed)
    if intent:
        scores["sales"] += 1.5
        return f"{queue_label('sales')} antes que facturación: intención de compra («{intent}»)"
    scores["billing"] += 1.0
    return f"{queue_label('billing')} antes que ventas: no hay intención de compra"


def _confidence(
    categories: dict[str, float], queues: dict[str, float], queue: str, category: str
) -> float:
    top = categories[category] if category != "other" or categories["other"] else 0.0
    queue_total = sum(queues.values())
    if queue_total <= 0 or top <= 0:
        return 0.05 if queue_total <= 0 else 0.15
    queue_share = queues[queue] / queue_total
    if queue == "technical":
        tech_total = sum(categories[c] for c in TECHNICAL_CATEGORIES) or 1.0
        category_share = categories[category] / tech_total
    else:
        category_share = 1.0
    strength = 1.0 - math.exp(-top / STRENGTH_SCALE)
    return strength * (0.6 * queue_share + 0.4 * category_share)


def _evidence_reasons(evidence: list[Evidence], category: str, queue: str) -> list[str]:
    kept = [e for e in evidence if not e.dismissed and e.weight > 0]
    relevant = [e for e in kept if e.label in (category, f"queue:{queue}")]
    relevant.sort(key=lambda e: -e.weight)
    reasons: list[str] = []
    for item in relevant[:4]:
        target = (
            f"cola {queue_label(item.label[6:])}"
            if item.label.startswith("queue:")
            else category_label(item.label)
        )
        if item.source == "rule":
            reasons.append(f"{item.text} → {target}")
        elif item.source == "learned":
            reasons.append(f"aprendido de correcciones de agentes: {item.text} → {target}")
        else:
            reasons.append(f"«{item.text}» → {target}")
    for item in evidence:
        if item.dismissed:
            reasons.append(f"descartado, el cliente lo excluye: «{item.text}»")
    return reasons


def _runner_up(categories: dict[str, float], chosen: str) -> str | None:
    ranked = sorted((c for c in categories if c != chosen), key=lambda c: -categories[c])
    if not ranked:
        return None
    best = ranked[0]
    top = categories.get(chosen, 0.0)
    if categories[best] > 0 and top > 0 and categories[best] >= 0.5 * top:
        return best
    return None


@lru_cache(maxsize=4096)
def _rule_phrases(keyword: str) -> tuple:
    return (phrase_compile(keyword, "es"), phrase_compile(keyword, "en"))


def _rule_matches(rule: Rule, analysed: Analysed) -> list[str]:
    matched = []
    present = analysed.positions
    for keyword in rule.keywords:
        for phrase in _rule_phrases(keyword):
            # A phrase whose first key is absent cannot match: skipped without a call.
            if not phrase.keys or phrase.keys[0] not in present:
                continue
            at = phrase_find(phrase, analysed)
            if at is not None and not is_dismissed(analysed, at):
                matched.append(keyword)
                break
    return matched


def _rule_evidence(rule: Rule, keyword: str) -> list[Evidence]:
    text = f"regla «{rule.name}»: «{keyword}»"
    weight = RULE_UNIT * rule.weight
    found: list[Evidence] = []
    if rule.category in CATEGORIES:
        found.append(Evidence(rule.category, weight, text, "rule"))
    if rule.queue in QUEUES and (not rule.category or queue_of(rule.category) != rule.queue):
        found.append(Evidence(f"queue:{rule.queue}", weight, text, "rule"))
    return found


def _learned_evidence(analysed: Analysed, learned: LearnedIndex) -> list[Evidence]:
    if not learned.by_term:
        return []
    totals: dict[str, float] = defaultdict(float)
    terms: dict[str, list[str]] = defaultdict(list)
    for stem in dict.fromkeys(content_stems(analysed)):
        for item in learned.by_term.get(stem, ()):
            label = item.label if item.label_kind == "category" else f"queue:{item.label}"
            totals[label] += item.weight
            terms[label].append(stem)
    return [
        Evidence(label, weight, "«" + "», «".join(terms[label][:3]) + "»", "learned")
        for label, weight in totals.items()
        if weight
    ]
