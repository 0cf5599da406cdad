from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone

from helpdesk.incidents.models import GeneralMessage, Incident
from helpdesk.snapshots import Snapshot


def _unended_load() -> tuple[Incident, ...]:
    return tuple(Incident.objects.filter(ended_at__isnull=True).order_by("-starts_at"))


UNENDED = Snapshot("incidents-unended", _unended_load)


def incidents_active() -> list[Incident]:
    """Incidents that started and have not ended, newest first (from the process snapshot)."""
    now = timezone.now()
    return [incident for incident in UNENDED.get() if incident.starts_at <= now]


def _general_load() -> tuple[GeneralMessage, ...]:
    # Every active text that has not ended yet, newest first; start and end are checked on
    # each read, so a text scheduled for later shows when its time comes without a reload.
    now = timezone.now()
    return tuple(
        GeneralMessage.objects.filter(active=True).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=now)
        )
    )


GENERAL = Snapshot("general-messages", _general_load)


def general_active() -> GeneralMessage | None:
    """The newest "mensaje general" showing now (from the process snapshot)."""
    now = timezone.now()
    for message in GENERAL.get():
        if (message.starts_at is None or message.starts_at <= now) and (
            message.ends_at is None or message.ends_at > now
        ):
            return message
    return None


def banners_active() -> dict:
    """Context of `incidents/banners.html`: up to three active incidents and the general text."""
    return {"incidents": incidents_active()[:3], "general": general_active()}


def status_payload() -> dict[str, Any]:
    """The public JSON of `/api/v1/status/` (the chat widget and the help centre read it)."""
    banners = banners_active()
    general = banners["general"]
    return {
        "incidents": [
            {
                "title": incident.title,
                "message": incident.message,
                "severity": incident.severity,
                "areas": list(incident.areas or []),
                "expected_end_at": incident.expected_end_at.isoformat()
                if incident.expected_end_at
                else None,
            }
            for incident in banners["incidents"]
        ],
        "general": {"text": general.text} if general else None,
    }
