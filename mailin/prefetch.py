"""Reading ahead: the bytes of the next IMAP chunk arrive while the current batch is processed.

A backlog longer than one FETCH is read by a thread on a second, read-only connection
(EXAMINE: it cannot set a flag), at most `depth` chunks ahead of the reader. Nothing on the
server changes here: the reader still flags or moves a batch on its own connection, after that
batch committed. If the reader stops early (an error, a shutdown), the thread stops too and the
chunks it read ahead are simply dropped; they were never flagged, so they are read again.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence

from mailin.imap import FETCH_BATCH, ImapSession, MailboxConfig

Chunk = list[tuple[int, bytes]]
_END = object()


class UidValidityChanged(RuntimeError):
    """The folder was recreated between the reader's SELECT and the read-ahead's EXAMINE."""


class Prefetch:
    """Iterate over `uids`' bytes in chunks, fetched ahead by a thread; use as a context manager."""

    def __init__(
        self,
        config: MailboxConfig,
        uidvalidity: int,
        uids: Sequence[int],
        chunk: int = FETCH_BATCH,
        depth: int = 2,
    ) -> None:
        self.config = config
        self.uidvalidity = uidvalidity
        self.uids = list(uids)
        self.chunk = chunk
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="mailin-prefetch", daemon=True)
        self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        try:
            session = ImapSession(self.config, readonly=True)
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, which raises it
            self._put(exc)
            return
        try:
            if session.uidvalidity != self.uidvalidity:
                raise UidValidityChanged(f"{self.config.key}: UIDVALIDITY changed while reading")
            for chunk in session.fetch(self.uids, self.chunk):
                if not self._put(chunk):
                    return
            self._put(_END)
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, which raises it
            self._put(exc)
        finally:
            session.close()

    def __iter__(self) -> Iterator[Chunk]:
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=35.0)  # at most one FETCH in flight (30 s socket timeout)

    def __enter__(self) -> Prefetch:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
