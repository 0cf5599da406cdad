"""Settings from the environment: deploy checks, the generated secret key, the embedded default."""

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.core


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    base.pop("TEST_DB_NAME", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "HELPDESK_DATA_DIR": str(tmp_path),
            "HELPDESK_IGNORE_ENV_FILE": "1",
            "SECRET_KEY": "x" * 30 + "-Production-Secret-Key-0123456789abcdef",
            "ALLOWED_HOSTS": "soporte.example.com",
            "SECURE_COOKIES": "1",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_HSTS_SECONDS": "31536000",
            "BEHIND_TLS_PROXY": "1",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_embedded_default_generates_and_keeps_a_private_secret_key(tmp_path):
    env = {"HELPDESK_DATA_DIR": str(tmp_path), "HELPDESK_IGNORE_ENV_FILE": "1"}
    script = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = manage("shell", "-c", script, env=env)
    second = manage("shell", "-c", script, env=env)
    key_file = tmp_path / ".secret_key"
    assert first.returncode == 0, first.stderr
    assert key_file.read_text().strip() in first.stdout
    assert first.stdout.strip().splitlines()[-1] == second.stdout.strip().splitlines()[-1]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_debug_is_off_unless_asked(tmp_path):
    env = {"HELPDESK_DATA_DIR": str(tmp_path), "HELPDESK_IGNORE_ENV_FILE": "1"}
    script = "from django.conf import settings; print('DEBUG', settings.DEBUG)"
    assert "DEBUG False" in manage("shell", "-c", script, env=env).stdout
    assert "DEBUG True" in manage("shell", "-c", script, env={**env, "DEBUG": "1"}).stdout


def test_sqlite_test_database_is_named_after_the_database(tmp_path):
    """Two runs with their own SQLite DATABASE_URL get their own test database file."""
    script = "from django.db import connection; print(connection.settings_dict['TEST']['NAME'])"
    names = []
    for stem in ("one", "two"):
        env = {
            "HELPDESK_DATA_DIR": str(tmp_path),
            "HELPDESK_IGNORE_ENV_FILE": "1",
            "DATABASE_URL": f"sqlite:///{tmp_path / stem}.sqlite3",
        }
        result = manage("shell", "-c", script, env=env)
        assert result.returncode == 0, result.stderr
        names.append(result.stdout.strip().splitlines()[-1])
    assert names == [str(tmp_path / "one-test.sqlite3"), str(tmp_path / "two-test.sqlite3")]
