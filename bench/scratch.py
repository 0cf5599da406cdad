"""A scratch PostgreSQL database for one benchmark: created, migrated, dropped afterwards."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import dj_database_url
import psycopg
from django.core.management import call_command
from django.db import connections


def _admin_url(url: str) -> str:
    parsed = dj_database_url.parse(url)
    user = parsed.get("USER") or "postgres"
    host = parsed.get("HOST") or "127.0.0.1"
    port = parsed.get("PORT") or 5432
    return f"postgresql://{user}@{host}:{port}/{parsed['NAME']}"


@contextlib.contextmanager
def scratch_database(name: str) -> Iterator[None]:
    """Point Django's default connection at a fresh database `name` (PostgreSQL)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("benchmarks need DATABASE_URL pointing at PostgreSQL")
    admin = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    connections.close_all()
    settings_dict = connections["default"].settings_dict
    original = settings_dict["NAME"]
    settings_dict["NAME"] = name
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield
    finally:
        connections.close_all()
        settings_dict["NAME"] = original
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sla_policies_seed() -> None:
    """The SLA calendars and policies `seed_demo` installs, so benchmarks pay for real clocks."""
    import io

    from helpdesk.sla.seed import seed

    seed(io.StringIO())
