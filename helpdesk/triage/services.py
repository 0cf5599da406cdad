"""Triage as the intake sees it: a decision for a new ticket's text.

The classifier itself is pure (`helpdesk.triage.classifier`); this module feeds it the rules and
learned terms from the database.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.conf import settings

from helpdesk.triage.classifier import classify


@dataclass(frozen=True)
class TriageDecision:
    queue: str
    category: str
    clarification: bool
    confidence: float
    reasons: tuple[str, ...]
    needs_review: bool

    def as_dict(self) -> dict:
        return asdict(self)


def triage_decide(*, text: str, subject: str = "", queue_hint: str | None = None) -> TriageDecision:
    result = classify(text=text, subject=subject)
    threshold = settings.HELPDESK["TRIAGE_THRESHOLD"]
    queue = result.queue
    reasons = list(result.reasons)
    if result.confidence < threshold and queue_hint:
        queue = queue_hint
        reasons.append(f"cola sugerida por el canal: {queue_hint}")
    return TriageDecision(
        queue=queue,
        category=result.category,
        clarification=result.clarification,
        confidence=result.confidence,
        reasons=tuple(reasons),
        needs_review=result.confidence < threshold,
    )
