"""Real servers for tests: daphne processes on free loopback ports, sharing the test database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float = 30.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def test_database_url() -> str:
    """DATABASE_URL of the database the tests are using right now (the test database)."""
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings['NAME']}"
    user = settings.get("USER") or "postgres"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    password = settings.get("PASSWORD") or ""
    auth = f"{user}:{password}" if password else user
    return f"postgres://{auth}@{host}:{port}/{settings['NAME']}"


class Daphne:
    """A real daphne process serving helpdesk.asgi on a loopback port."""

    def __init__(self, port: int | None = None, extra_env: dict[str, str] | None = None):
        self.port = port or free_port()
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen | None = None
        self.log_path = ROOT / "var" / f"daphne-{self.port}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> Daphne:
        env = dict(os.environ)
        env.update(
            {
                "DATABASE_URL": test_database_url(),
                "DEBUG": "0",
                "PYTHONUNBUFFERED": "1",
                "RATELIMIT_ENABLE": env.get("RATELIMIT_ENABLE", "1"),
            }
        )
        env.update(self.extra_env)
        env.pop("TEST_DB_NAME", None)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "daphne",
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "helpdesk.asgi:application",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_port(self.port, process=self.process)
        return self

    def kill(self) -> None:
        """Hard kill (SIGKILL): a crashed process, not a graceful shutdown."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self) -> Daphne:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def worker_drain(extra_env: dict[str, str] | None = None, timeout: float = 120) -> str:
    """Run the real job worker (`db_worker --batch`) in a subprocess until the queue is empty.

    The test must use a transactional database (data committed) for the worker to see it.
    """
    env = dict(os.environ)
    env.update({"DATABASE_URL": test_database_url(), "PYTHONUNBUFFERED": "1"})
    env.update(extra_env or {})
    env.pop("TEST_DB_NAME", None)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--batch",
            "--queue-name",
            "*",
            "--no-startup-delay",
            "--no-reload",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"worker failed: {result.stdout}\n{result.stderr}")
    return result.stdout + result.stderr
