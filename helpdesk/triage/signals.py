"""Cache invalidation only: any saved or deleted rule or learned term refreshes triage's snapshot.

No business logic here; an admin edit, a bulk delete or a correction all end in the same bump.
"""

from __future__ import annotations


def connect() -> None:
    from helpdesk.snapshots import snapshot_follows
    from helpdesk.triage.models import LearnedTerm, TriageRule
    from helpdesk.triage.services import RULES

    snapshot_follows(RULES, TriageRule, LearnedTerm)
