"""Triage as the intake sees it: a decision for a new ticket's text, and learning from agents.

The classifier itself is pure (`helpdesk.triage.classifier`); this module feeds it the active
rules and learned terms from the database, held in a per-process `Snapshot`: the database is read
again only after a rule changed or learning happened (any process bumps the version on commit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db import transaction

from helpdesk.snapshots import Snapshot
from helpdesk.triage.classifier import (
    Learned,
    LearnedIndex,
    Rule,
    classify,
    learned_index,
)
from helpdesk.triage.labels import CATEGORIES, QUEUES, queue_label
from helpdesk.triage.learning import learning_bound, learning_deltas, learning_features


@dataclass(frozen=True)
class TriageDecision:
    queue: str
    category: str
    clarification: bool
    confidence: float
    reasons: tuple[str, ...]
    needs_review: bool

    def as_dict(self) -> dict:
        # Field by field: dataclasses.asdict deep-copies recursively, about 10x the cost, and
        # every new ticket's audit event carries this.
        return {
            "queue": self.queue,
            "category": self.category,
            "clarification": self.clarification,
            "confidence": self.confidence,
            "reasons": self.reasons,
            "needs_review": self.needs_review,
        }


def triage_decide(*, text: str, subject: str = "", queue_hint: str | None = None) -> TriageDecision:
    """Classify a new ticket's first message with the current rules and learned terms.

    Below `HELPDESK["TRIAGE_THRESHOLD"]` the decision is marked for human review, and a channel's
    queue hint (a mailbox's default queue, a chat topic) wins over the classifier's guess unless
    the message is an account clarification, which always goes to billing.
    """
    rules, learned = triage_snapshot()
    result = classify(text, subject, rules=rules, learned=learned)
    threshold = cast(float, settings.HELPDESK["TRIAGE_THRESHOLD"])
    queue = result.queue
    reasons = list(result.reasons)
    needs_review = result.confidence < threshold
    if needs_review and queue_hint in QUEUES and not result.clarification:
        queue = queue_hint
        reasons.append(f"cola sugerida por el canal: {queue_label(queue_hint)}")
    return TriageDecision(
        queue=queue,
        category=result.category,
        clarification=result.clarification,
        confidence=result.confidence,
        reasons=tuple(reasons),
        needs_review=needs_review,
    )


def triage_snapshot() -> tuple[tuple[Rule, ...], LearnedIndex]:
    """The active rules and learned terms, reloaded only when their version changed."""
    return RULES.get()


def triage_invalidate() -> None:
    """Make every process reload rules and learned terms, once the transaction commits."""
    RULES.invalidate()


def _load() -> tuple[tuple[Rule, ...], LearnedIndex]:
    from helpdesk.triage.models import LearnedTerm, TriageRule

    rules = tuple(
        Rule(
            name=row.name,
            keywords=row.keyword_lines(),
            queue=row.queue,
            category=row.category,
            clarification=row.clarification,
            weight=row.weight,
        )
        for row in TriageRule.objects.filter(active=True)
    )
    learned = learned_index(
        Learned(term, kind, label, weight)
        for term, kind, label, weight in LearnedTerm.objects.exclude(weight=0).values_list(
            "term", "label_kind", "label", "weight"
        )
    )
    return rules, learned


RULES = Snapshot("triage", _load)


def triage_learn(ticket: Any, *, field: str, old: Any, new: Any) -> int:
    """Learn from an agent moving `ticket` to another queue or fault area.

    The stems of the ticket's first customer message (and subject) gain weight towards `new` and
    lose some towards `old`, so later triage of similar text moves towards the correction.
    `old`/`new` are slugs or Queue objects. Atomic; the snapshot of every process is refreshed
    after commit. Returns how many learned terms changed (0 when there is nothing to learn).
    """
    from helpdesk.models import AuthorKind, Message
    from helpdesk.triage.models import LearnedTerm

    old_label, new_label = _label(old), _label(new)
    allowed = QUEUES if field == "queue" else CATEGORIES if field == "category" else ()
    if new_label not in allowed or old_label == new_label:
        return 0
    first = (
        Message.objects.filter(ticket=ticket, author_kind=AuthorKind.CUSTOMER)
        .order_by("seq")
        .values_list("text", flat=True)
        .first()
    )
    features = learning_features(first or "", getattr(ticket, "subject", "") or "")
    if not features:
        return 0
    labels = [new_label] + ([old_label] if old_label in allowed else [])
    with transaction.atomic():
        rows = LearnedTerm.objects.select_for_update().filter(
            term__in=features, label_kind=field, label__in=labels
        )
        current = {(row.term, row.label): row.weight for row in rows}
        deltas = learning_deltas(features, new_label, old_label if len(labels) > 1 else None)
        changed = [
            LearnedTerm(
                term=term,
                label_kind=field,
                label=label,
                weight=learning_bound(current.get((term, label), 0.0) + delta),
            )
            for (term, label), delta in deltas.items()
        ]
        LearnedTerm.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["term", "label_kind", "label"],
            update_fields=["weight", "updated_at"],
        )
        triage_invalidate()
    return len(changed)


def _label(value: Any) -> str:
    if value is None:
        return ""
    return str(getattr(value, "slug", value))
