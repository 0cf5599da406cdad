"""A mailbox backlog on several cores: independent batches in worker processes.

The reader fetches bytes in UID order and cuts them into batches. A batch goes to a worker
process (its own database connection and transaction) only when it is independent of every
batch still running there: no sender in common, and no message of one answers a message of
the other (In-Reply-To / References against Message-ID). Otherwise the reader first waits for
the batches it depends on to commit, so a reply always finds the ticket its original opened.
The reader flags a batch on the server once its worker committed, and advances the UID cursor
only over the batches committed in order, so a crash re-reads at most the unfinished ones
(Message-ID dedupe makes that harmless).
"""

from __future__ import annotations

import multiprocessing
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import compat32

from django.db import connections

from mailin.garbage import collector_settle
from mailin.mimeheaders import addresses_parse
from mailin.services import MailOutcome, MailSource, emails_receive

_IDS = re.compile(r"<[^<>\s]+>")
_HEADERS = BytesHeaderParser(policy=compat32)

Batch = Sequence[tuple[int | None, bytes]]


@dataclass(frozen=True)
class BatchKeys:
    """What decides whether two batches may run at the same time."""

    senders: frozenset[str]
    message_ids: frozenset[str]
    answers: frozenset[str]  # Message-IDs named in In-Reply-To or References


def _header_block(raw: bytes) -> bytes:
    """The bytes up to the first empty line: all the header parser would read of `raw`."""
    ends = [end for end in (raw.find(b"\n\n"), raw.find(b"\n\r\n")) if end >= 0]
    return raw[: min(ends) + 1] if ends else raw


_KEY_HEADERS = ("from", "sender", "message-id", "in-reply-to", "references")
_NAME_LINE = re.compile(r"[!-9;-~]+:")  # a header field's first line, as the parser reads it


def _key_headers_plain(block: bytes) -> dict[str, list[str]] | None:
    """The values of `_KEY_HEADERS` in a plain header block, exactly as the compat32 parser
    gives them (value after the colon without leading blanks, continuation lines kept with
    their line ends, the last line end dropped); None when the block is anything but plain
    (8-bit bytes, a bare CR, an mbox "From " line, a line that is neither a field nor a
    continuation, or no empty line after it), which is left to the parser."""
    if not block.isascii() or not block.endswith(b"\n"):
        return None
    text = block.decode("ascii")
    if "\r" in text.replace("\r\n", ""):
        return None
    found: dict[str, list[list[str]]] = {}
    current: list[str] | None = None  # the lines of the field being read, if it is a key
    first = True
    for line in (piece + "\n" for piece in text[:-1].split("\n")):
        if line[0] in " \t":
            if first:
                return None
            if current is not None:
                current.append(line)
            continue
        first = False
        if not _NAME_LINE.match(line):
            return None
        name, value = line.split(":", 1)
        key = name.lower()
        current = [value.lstrip(" \t")] if key in _KEY_HEADERS else None
        if current is not None:
            found.setdefault(key, []).append(current)
    if first:
        return None
    return {
        key: ["".join(parts).rstrip("\r\n") for parts in values] for key, values in found.items()
    }


def _key_headers(raw: bytes) -> dict[str, list[str]]:
    block = _header_block(raw)
    if (plain := _key_headers_plain(block)) is not None:
        return plain
    headers = _HEADERS.parsebytes(block, headersonly=True)
    return {key: [str(v) for v in headers.get_all(key) or []] for key in _KEY_HEADERS}


def message_keys(raw: bytes) -> BatchKeys:
    """Read just the headers that matter for ordering (pure; tolerant of broken mail).

    Senders are read from From and Sender with the parser's own address reader, so they are
    the addresses the intake will key contacts and subject threading on (lower-cased). A
    plain header block is read without the email parser (`_key_headers_plain`: the same
    values, a fifth of the CPU); anything unusual goes through the parser."""
    headers = _key_headers(raw)
    senders = {
        address
        for name in ("from", "sender")
        for value in headers.get(name, ())
        for _name, address in addresses_parse(value)
        if address
    }
    message_ids = set(_IDS.findall((headers.get("message-id") or [""])[0]))
    answers: set[str] = set()
    for name in ("in-reply-to", "references"):
        answers.update(_IDS.findall(" ".join(headers.get(name, ()))))
    return BatchKeys(frozenset(senders), frozenset(message_ids), frozenset(answers))


def keys_merge(keys: Iterable[BatchKeys]) -> BatchKeys:
    senders: set[str] = set()
    message_ids: set[str] = set()
    answers: set[str] = set()
    for item in keys:
        senders |= item.senders
        message_ids |= item.message_ids
        answers |= item.answers
    return BatchKeys(frozenset(senders), frozenset(message_ids), frozenset(answers))


def batch_keys(batch: Batch) -> BatchKeys:
    return keys_merge(message_keys(raw) for _uid, raw in batch)


def batches_independent(
    window: Sequence[tuple[int, bytes]], size: int
) -> list[tuple[list[tuple[int, bytes]], BatchKeys]]:
    """Cut a window of fetched messages into batches of at most `size`, with their keys.

    Messages that may depend on each other (same sender, or one names another's Message-ID
    in In-Reply-To/References; transitively) form one group and stay in UID order; groups are
    laid out by their first UID and cut into batches. Two batches then depend on each other
    only where one group is longer than the room left in a batch, so mail from a few busy
    senders no longer chains every batch of the window to the one before (pure)."""
    keys = [message_keys(raw) for _uid, raw in window]
    parent = list(range(len(window)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    owner: dict[str, int] = {}  # token -> a message holding it
    for index, item in enumerate(keys):
        tokens = [f"s:{s}" for s in item.senders]
        tokens += [f"m:{m}" for m in item.message_ids | item.answers]
        for token in tokens:
            other = owner.setdefault(token, index)
            if other != index:
                parent[root(index)] = root(other)
    groups: dict[int, list[int]] = {}
    for index in range(len(window)):  # in UID order: each group in order, groups by first UID
        groups.setdefault(root(index), []).append(index)
    laid_out = [index for members in groups.values() for index in members]
    # Inside a batch the order between groups does not matter: the mail service takes a batch
    # in runs of independent messages (`mailin.services.runs_independent`).
    return [
        (
            [window[i] for i in laid_out[start : start + size]],
            keys_merge(keys[i] for i in laid_out[start : start + size]),
        )
        for start in range(0, len(laid_out), size)
    ]


def depends(keys: BatchKeys, running: Iterable[BatchKeys]) -> bool:
    """True when `keys`' batch must wait for one of the `running` batches to commit."""
    return any(
        keys.senders & other.senders
        or keys.answers & other.message_ids
        or other.answers & keys.message_ids
        for other in running
    )


def _batch_process(batch: Batch, source: MailSource) -> list[MailOutcome]:
    """In a worker process: the batch in one transaction, its events sent before returning."""
    from helpdesk.realtime import realtime_drain

    outcomes = emails_receive(batch, source)
    realtime_drain()
    return outcomes


def _ready() -> int:
    return 0


_SAMPLE = (
    b"From: Ana <ana@example.com>\r\nTo: soporte@example.com\r\nSubject: Sin se\xc3\xb1al\r\n"
    b"Message-ID: <calentar@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"No tengo se\xc3\xb1al en mi celular desde ayer.\r\n"
)


def _warm() -> None:
    """Load here what every worker needs (snapshots, triage tables, the parser's lazy parts):
    forked workers then start warm instead of each paying for it."""
    from helpdesk.incidents.selectors import UNENDED
    from helpdesk.services.queues import QUEUES
    from helpdesk.sla.clocks import POLICIES
    from helpdesk.triage.services import triage_decide
    from mailin.parsing import email_parse

    for snapshot in (QUEUES, POLICIES, UNENDED):
        snapshot.get()
    parsed = email_parse(_SAMPLE)
    triage_decide(text=getattr(parsed, "text", ""), subject=getattr(parsed, "subject", ""))


class BatchPool:
    """Worker processes forked from this one, with no database connection open at the fork."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        _warm()
        collector_settle()  # what the workers share is frozen before they are forked
        connections.close_all()  # children must not share a PostgreSQL socket with us
        self.executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("fork")
        )
        # With "fork" the first submit forks every worker at once, before this process starts
        # any thread of its own (the read-ahead); no need to wait for the task itself.
        self.executor.submit(_ready)

    def submit(self, batch: Batch, source: MailSource) -> Future[list[MailOutcome]]:
        return self.executor.submit(_batch_process, list(batch), source)

    def close(self) -> None:
        self.executor.shutdown(wait=True)
