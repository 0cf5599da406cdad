"""Chat database hops skip the per-call health check for a connection used a moment ago."""

import pytest
from django.db import connections

from channels_chat import dbhop

pytestmark = [pytest.mark.core]


def test_a_connection_just_used_is_not_checked_again(transactional_db, monkeypatch):
    connection = connections["default"]
    connection.ensure_connection()
    checks: list[int] = []
    # A persistent connection with health checks, as in production settings (PostgreSQL).
    monkeypatch.setattr(connection, "close_at", None)
    monkeypatch.setattr(connection, "health_check_enabled", True)
    monkeypatch.setattr(connection, "is_usable", lambda: checks.append(1) or True)

    def turn() -> None:
        dbhop.connections_before()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        dbhop.connections_after()

    turn()  # not used through a hop before: checked, as Django does per request
    assert checks == [1]
    turn()
    turn()
    assert checks == [1]  # just used: no round trip
    monkeypatch.setattr(dbhop, "HEALTHY_FOR", 0.0)
    turn()
    assert checks == [1, 1]  # idle longer than HEALTHY_FOR: checked again


def test_a_connection_past_its_age_is_still_closed(transactional_db, monkeypatch):
    connection = connections["default"]
    connection.ensure_connection()
    dbhop.connections_after()
    monkeypatch.setattr(connection, "close_at", 0.0)
    dbhop.connections_before()
    assert connection.connection is None
