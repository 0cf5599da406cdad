from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from helpdesk.incidents.models import GeneralMessage, Incident


def banners_active() -> dict:
    now = timezone.now()
    incidents = list(
        Incident.objects.filter(starts_at__lte=now, ended_at__isnull=True).order_by("-starts_at")[
            :3
        ]
    )
    general = (
        GeneralMessage.objects.filter(active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .first()
    )
    return {"incidents": incidents, "general": general}
