"""`manage.py sla_watch`: bad --at values, the lock, and the real process exit status."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from helpdesk.sla.leases import Lease
from helpdesk.sla.models import SlaClockEvent
from tests import servers

pytestmark = [pytest.mark.core, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2026-02-30T10:00", "no es una fecha ISO-8601"),
        ("mañana", "no es una fecha ISO-8601"),
        ("2026-03-07T25:00:00-06:00", "no es una fecha ISO-8601"),
        ("1850-01-01T00:00:00+00:00", "fuera de rango"),
        ("2022-04-03T02:30", "no existe"),  # skipped by the spring-forward jump in Mexico City
    ],
)
def test_impossible_at_values_are_refused(value, fragment, settings):
    settings.TIME_ZONE = "America/Mexico_City"
    with pytest.raises(CommandError) as error:
        call_command("sla_watch", "--at", value)
    assert fragment in str(error.value)
    assert SlaClockEvent.objects.count() == 0


def test_naive_at_is_read_in_the_project_timezone(settings, capsys):
    settings.TIME_ZONE = "America/Mexico_City"
    call_command("sla_watch", "--at", "2026-03-07T17:01:00")
    assert '"at": "2026-03-07T23:01:00+00:00"' in capsys.readouterr().out


def test_a_second_watcher_does_not_run_while_the_lock_is_held():
    lease = Lease("sla_watch", ttl=60)
    assert lease.acquire()
    try:
        with pytest.raises(CommandError) as error:
            call_command("sla_watch", "--once")
        assert "otro sla_watch" in str(error.value)
    finally:
        lease.release()


def test_process_exit_status(queues):
    env = {
        "DATABASE_URL": servers.test_database_url(),
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "REDIS_URL": "",
    }
    bad = subprocess.run(
        [sys.executable, "manage.py", "sla_watch", "--at", "ayer"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode != 0 and "--at" in bad.stderr
    good = subprocess.run(
        [sys.executable, "manage.py", "sla_watch", "--once"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert good.returncode == 0, good.stderr
    assert '"breached": []' in good.stdout
