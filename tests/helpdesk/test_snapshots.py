"""Per-process snapshots of small tables: reloaded when another process bumps their version,
and at once in the process that changed them."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from helpdesk.services.intake import Inbound, intake_receive
from helpdesk.snapshots import Snapshot
from tests.sla.helpers import policy

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def test_snapshot_reloads_only_when_its_version_changes(monkeypatch):
    loads: list[int] = []
    snapshot = Snapshot("test-counter", lambda: loads.append(1) or len(loads))
    assert snapshot.get() == 1
    assert snapshot.get() == 1  # version unchanged: the process keeps its copy
    cache.set(snapshot.key, "bumped by another process")
    assert snapshot.get() == 2
    monkeypatch.setenv("SNAPSHOT_CHECK_SECONDS", "60")
    cache.set(snapshot.key, "bumped again")
    assert snapshot.get() == 2  # within the check interval the copy is not even checked
    snapshot.invalidate()  # this process's own change: seen at once
    assert snapshot.get() == 3


def test_a_policy_saved_between_two_tickets_applies_to_the_second(queues):
    first = intake_receive(Inbound(channel="web", email="a@b.co", text="Sin señal")).ticket
    assert first.sla_policy_id is None
    created = policy(name="general", first_response_minutes=60)
    second = intake_receive(Inbound(channel="web", email="c@d.co", text="Sin señal")).ticket
    assert second.sla_policy_id == created.pk and second.sla_due_at is not None
