"""A single-part email with a plain header block, read without the standard library's parser.

`email.message_from_bytes` (compat32) is about a quarter of a message's parse: its feed parser
splits the whole text into lines, matches each against its header patterns and joins the body
back together. For the commonest shape of mail, a plain ASCII header block and a body that is
not multipart or message/*, the result is simple: every field as (name, value) in order, the
value as `compat32.header_source_parse` gives it, and the body after the first empty line
verbatim as the payload. `message_plain` builds exactly that `Message` (tested against the
parser on every fixture and on mutated header blocks), about a fifth less CPU for the whole
parse of such a message. Anything else (8-bit header bytes, a bare CR, an mbox "From " line, a
line that is neither a field nor a continuation, no empty line, a multipart or message/* body)
is left to the parser (None). Pure.
"""

from __future__ import annotations

import re
from email.message import Message
from email.policy import compat32

_FIELD = re.compile(r"[!-9;-~]+:")  # a field's first line, as the feed parser reads it
_END = re.compile(rb"\r?\n\r?\n")  # the first empty line (the block has no bare CR)


def header_fields_plain(block: str) -> list[tuple[str, str]] | None:
    """The fields of a header block (its lines with their line ends, without the empty line)
    as compat32's parser stores them, or None when the block is not plain (see the module)."""
    if "\r" in block.replace("\r\n", ""):
        return None
    fields: list[tuple[str, str]] = []
    name = ""
    lines: list[str] = []
    for piece in block[:-1].split("\n"):
        line = piece + "\n"
        if line[0] in " \t":
            if not name:
                return None  # a first line that continues nothing: the parser's defect
            lines.append(line)
            continue
        if _FIELD.match(line) is None:
            return None
        if name:
            fields.append((name, "".join(lines).rstrip("\r\n")))
        name, value = line.split(":", 1)
        lines = [value.lstrip(" \t")]
    if not name:
        return None
    fields.append((name, "".join(lines).rstrip("\r\n")))
    return fields


def message_plain(raw: bytes) -> Message | None:
    """`email.message_from_bytes(raw, policy=compat32)` for a plain single-part message, or
    None when `raw` needs the parser."""
    end = _END.search(raw)
    if end is None:
        return None
    start = end.start()
    if raw[start : start + 1] == b"\r":  # the last field's line ends in CRLF
        start += 1
    block = raw[: start + 1]
    if not block.isascii():
        return None
    fields = header_fields_plain(block.decode("ascii"))
    if fields is None:
        return None
    message = Message(policy=compat32)
    for name, value in fields:
        message.set_raw(name, value)  # as the parser stores each field
    if message.get_content_maintype() in ("multipart", "message"):
        return None
    message.set_payload(raw[end.end() :].decode("ascii", "surrogateescape"))
    return message
