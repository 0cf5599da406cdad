"""Real mail servers for the mail channel's tests: a private Dovecot (IMAP) and aiosmtpd (SMTP)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

import pytest
from imapclient import IMAPClient

from tests.conftest import require_service
from tests.mailin.certs import certificates_write
from tests.servers import free_port, wait_port

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

DOVECOT_CONF = """protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/run/state
log_path = {d}/dovecot.log
ssl = yes
ssl_cert = <{d}/server.pem
ssl_key = <{d}/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{d}/mail/%u
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/users
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={d}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
"""


class Dovecot:
    """A private Dovecot on free loopback ports (IMAP, and IMAPS with a certificate of a test
    authority, `ca_file`); every test gets its own user (mailbox)."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="dovecot-")
        self.port = free_port()
        self.tls_port = free_port()
        while self.tls_port == self.port:
            self.tls_port = free_port()
        self.ca_file = ""
        self.process: subprocess.Popen | None = None
        self._next = 0

    def start(self) -> Dovecot:
        d = self.dir
        os.makedirs(f"{d}/mail", exist_ok=True)
        os.makedirs(f"{d}/run", exist_ok=True)
        os.chmod(d, 0o755)
        shutil.chown(f"{d}/mail", "dovecot", "dovecot")
        ca_file, _cert, _key = certificates_write(Path(d))
        self.ca_file = str(ca_file)
        Path(f"{d}/dovecot.conf").write_text(
            DOVECOT_CONF.format(d=d, port=self.port, tls_port=self.tls_port)
        )
        # Users are created up front: Dovecot may not notice a passwd-file rewritten within
        # the same second, so tests take fresh mailboxes from this pool.
        Path(f"{d}/users").write_text(
            "".join(f"soporte{i}@example.test:{{PLAIN}}secret\n" for i in range(1, 301))
        )
        self.process = subprocess.Popen(
            [DOVECOT, "-c", f"{d}/dovecot.conf", "-F"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port, process=self.process)
        wait_port(self.tls_port, process=self.process)
        return self

    def user_take(self) -> tuple[str, str]:
        """(user, mailbox URL) of an unused, empty mailbox from the pool."""
        self._next += 1
        name = f"soporte{self._next}@example.test"
        return name, f"imap://{name}:secret@127.0.0.1:{self.port}/INBOX"

    def client(self, user: str, password: str = "secret") -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(user, password)
        return client

    def append(self, user: str, *messages: bytes, folder: str = "INBOX") -> None:
        client = self.client(user)
        try:
            for raw in messages:
                client.append(folder, raw)
        finally:
            client.logout()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot():
    if not os.path.exists(DOVECOT):
        require_service("Dovecot", f"{DOVECOT} is missing (make test installs dovecot-imapd)")
    server = Dovecot().start()
    yield server
    server.stop()


@pytest.fixture
def imap_user(dovecot):
    """(user name, mailbox URL) of a fresh, empty mailbox."""
    return dovecot.user_take()
