"""Searches planned for their own words: statements inside `planned_each_time` are never
prepared (so never given PostgreSQL's generic plan), and the connection prepares again after."""

import pytest
from django.db import connection

from helpdesk.planning import planned_each_time

pytestmark = [pytest.mark.core]


def prepared(marker: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{marker}%"]
        )
        return int(cursor.fetchone()[0])


def run_eight(marker: str) -> list[int]:
    values = []
    with connection.cursor() as cursor:
        for n in range(8):
            cursor.execute(f"SELECT CAST(%s AS integer) + 0 AS {marker}", [n])
            values.append(cursor.fetchone()[0])
    return values


@pytest.mark.django_db
def test_statements_inside_are_planned_each_time_and_preparing_resumes_after():
    with planned_each_time():
        assert run_eight("probe_inside") == list(range(8))
    if connection.vendor != "postgresql":
        return  # SQLite prepares nothing across statements: the block only runs them
    threshold = connection.connection.prepare_threshold
    assert threshold is not None  # the settings prepare (DB_PREPARE_THRESHOLD)
    assert prepared("probe_inside") == 0
    assert run_eight("probe_outside") == list(range(8))
    assert prepared("probe_outside") == 1  # the same connection prepares again


@pytest.mark.django_db
def test_the_threshold_comes_back_after_an_error():
    if connection.vendor != "postgresql":
        pytest.skip("preparing is PostgreSQL's")
    connection.ensure_connection()
    before = connection.connection.prepare_threshold
    with pytest.raises(RuntimeError), planned_each_time():
        assert connection.connection.prepare_threshold is None
        raise RuntimeError("a search failed")
    assert connection.connection.prepare_threshold == before
