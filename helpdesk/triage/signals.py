"""Cache invalidation only: any saved or deleted rule or learned term refreshes triage's snapshot.

No business logic here; an admin edit, a bulk delete or a correction all end in the same bump.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save


def _changed(**_kwargs: Any) -> None:
    from helpdesk.triage.services import triage_invalidate

    triage_invalidate()


def connect() -> None:
    from helpdesk.triage.models import LearnedTerm, TriageRule

    for model in (TriageRule, LearnedTerm):
        post_save.connect(_changed, sender=model, dispatch_uid=f"triage-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"triage-{model.__name__}-del")
