"""The IMAP side of the reader: connect, list new UIDs, fetch bytes in batches, flag or move.

Only moves bytes; what a message means is decided elsewhere. Never deletes mail.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from imapclient import IMAPClient

FETCH_BATCH = 200


@dataclass(frozen=True)
class MailboxConfig:
    host: str
    port: int
    username: str
    password: str
    tls: bool = True
    folder: str = "INBOX"
    processed_action: str = "seen"  # or "move"
    processed_folder: str = "Procesados"
    ca_file: str = ""  # TLS: trust this CA bundle (PEM) instead of the system's

    @property
    def key(self) -> str:
        return f"{self.username}@{self.host}:{self.port}/{self.folder}"


def mailbox_url_parse(url: str, **extra: str) -> MailboxConfig:
    """`imap://USER:PASSWORD@HOST:PORT/FOLDER` (or `imaps://`, TLS) to a config."""
    parts = urlsplit(url)
    if parts.scheme not in ("imap", "imaps"):
        raise ValueError(f"mailbox URL must start with imap:// or imaps://, not {url!r}")
    tls = parts.scheme == "imaps"
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    return MailboxConfig(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or (993 if tls else 143),
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        tls=tls,
        folder=folder,
        **extra,  # type: ignore[arg-type]
    )


def uid_set(uids: Iterable[int]) -> str:
    """An IMAP UID set with runs collapsed: [1, 2, 3, 7, 9, 10] -> "1:3,7,9:10" (short commands
    for large batches; only the UIDs given, never a wider range)."""
    ordered = sorted(set(uids))
    runs: list[str] = []
    start = previous = None
    for uid in ordered:
        if previous is not None and uid == previous + 1:
            previous = uid
            continue
        if start is not None:
            runs.append(f"{start}:{previous}" if previous != start else f"{start}")
        start = previous = uid
    if start is not None:
        runs.append(f"{start}:{previous}" if previous != start else f"{start}")
    return ",".join(runs)


class MailboxTlsError(ConnectionError):
    """The server's TLS certificate is not trusted (or not for this host): nothing was sent to
    it, the password included."""


def tls_context(config: MailboxConfig) -> ssl.SSLContext:
    """Certificate and host name verified, against `config.ca_file` when set, else the system's
    authorities."""
    return ssl.create_default_context(cafile=config.ca_file or None)


class ImapSession:
    """One logged-in connection with the folder selected."""

    def __init__(self, config: MailboxConfig, timeout: float = 30.0, readonly: bool = False):
        """`readonly`: the folder is opened with EXAMINE, so this connection cannot change
        any flag (the reader's read-ahead connection)."""
        self.config = config
        context = tls_context(config) if config.tls else None
        try:
            self.client = IMAPClient(
                config.host, port=config.port, ssl=config.tls, ssl_context=context, timeout=timeout
            )
        except ssl.SSLCertVerificationError as exc:
            raise MailboxTlsError(
                f"the TLS certificate of {config.host}:{config.port} is not trusted "
                f"({exc.verify_message}); if a private authority signed it, set MAILIN_CA_FILE "
                "to that authority's certificate (PEM)"
            ) from exc
        self.client.login(config.username, config.password)
        info = self.client.select_folder(config.folder, readonly=readonly)
        self.uidvalidity = int(info.get(b"UIDVALIDITY", 0))
        self.can_idle = b"IDLE" in self.client.capabilities()
        self.can_move = b"MOVE" in self.client.capabilities()

    def uids_after(self, last_uid: int, unseen_only: bool = False) -> list[int]:
        criteria: list = ["UNSEEN"] if unseen_only else ["UID", f"{last_uid + 1}:*"]
        uids = self.client.search(criteria)
        return sorted(int(uid) for uid in uids if int(uid) > last_uid)

    def fetch(self, uids: list[int], batch: int = FETCH_BATCH) -> Iterator[list[tuple[int, bytes]]]:
        """Raw bytes of `uids`, many per round trip, without setting \\Seen (BODY.PEEK[])."""
        for start in range(0, len(uids), batch):
            chunk = uids[start : start + batch]
            data = self.client.fetch(chunk, ["BODY.PEEK[]"])
            yield [(uid, bytes(data[uid].get(b"BODY[]") or b"")) for uid in chunk if uid in data]

    def mark_processed(self, uids: list[int]) -> None:
        if not uids:
            return
        if self.config.processed_action == "move":
            target = self.config.processed_folder or "Procesados"
            if not self.client.folder_exists(target):
                self.client.create_folder(target)
            if self.can_move:
                self.client.move(uid_set(uids), target)
            else:
                self.client.copy(uid_set(uids), target)
                self.client.add_flags(uid_set(uids), [b"\\Seen"], silent=True)
            return
        # .SILENT: the server does not echo every message's new flags back (half the cost).
        self.client.add_flags(uid_set(uids), [b"\\Seen"], silent=True)

    def idle_wait(self, timeout: float) -> bool:
        """Wait in IDLE up to `timeout` seconds; True when the server announced something."""
        self.client.idle()
        try:
            responses = self.client.idle_check(timeout=timeout)
        finally:
            self.client.idle_done()
        return bool(responses)

    def noop(self) -> None:
        self.client.noop()

    def close(self) -> None:
        with contextlib.suppress(Exception):  # the connection may already be gone
            self.client.logout()
