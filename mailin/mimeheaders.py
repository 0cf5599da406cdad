"""Header decoding: RFC 2047 encoded words in mixed charsets, addresses, dates, Message-IDs.

Works on raw header values from a compat32 message (raw 8-bit bytes kept as surrogate
escapes), so a mislabelled or unlabelled header is decoded with the same fallbacks as bodies.
"""

from __future__ import annotations

import base64
import binascii
import functools
import quopri
import re
from datetime import UTC, datetime
from email.message import Message as MimeMessage
from email.utils import getaddresses, parsedate_to_datetime

from mailin.charsets import bytes_decode, surrogates_decode

ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?(.*?)\?=", re.DOTALL)
MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
EMAIL_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
# The common shapes of a single address (see `_simple_address`): a dot-atom address, and a
# display name that is either plain words (no specials but ".") or one quoted string.
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDR = rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_WORD = r'[^\s"(),:;<>@\[\]\\]+'
_SIMPLE_ADDRESS = re.compile(
    rf'[ \t]*(?:(?:"(?P<quoted>[^"\\\r\n]*)"|(?P<phrase>{_WORD}(?:[ \t]+{_WORD})*))?[ \t]*'
    rf"<(?P<angle>{_ADDR})>|(?P<bare>{_ADDR}))[ \t]*"
)
_PHRASE_SPACE = re.compile(r"[ \t]+")


def _header_index(message: MimeMessage) -> dict[str, list[str]]:
    """Raw header values by lower-cased name, in order; built once per parsed message part
    (a parse asks for some thirty headers, each a scan of the whole header list otherwise)."""
    index: dict[str, list[str]] | None = getattr(message, "_helpdesk_header_index", None)
    if index is None:
        index = {}
        for key, value in message.raw_items():
            index.setdefault(key.lower(), []).append(str(value))
        message._helpdesk_header_index = index  # type: ignore[attr-defined]
    return index


def header_raw(message: MimeMessage, name: str) -> str | None:
    """First raw value of header `name` (duplicates are common: the first one wins)."""
    values = _header_index(message).get(name.lower())
    return values[0] if values else None


def header_all(message: MimeMessage, name: str) -> list[str]:
    return list(_header_index(message).get(name.lower(), ()))


def unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", value).replace("\r", "").replace("\n", " ")


def _word_bytes(encoding: str, payload: str) -> bytes:
    if encoding.lower() == "b":
        compact = re.sub(r"\s+", "", payload)
        compact += "=" * (-len(compact) % 4)
        try:
            return base64.b64decode(compact, validate=False)
        except (binascii.Error, ValueError):
            return payload.encode("ascii", "replace")
    return quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=True)


def words_decode(value: str) -> str:
    """Decode RFC 2047 encoded words; adjacent words of one charset are joined as bytes first
    (multibyte characters split across words), whitespace between encoded words is dropped."""
    value = surrogates_decode(unfold(value))
    if "=?" not in value:
        return value
    pieces: list[tuple[str | None, bytes | str]] = []
    position = 0
    for match in ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        if between and not (between.isspace() and pieces and pieces[-1][0] is not None):
            pieces.append((None, between))
        charset = match.group(1).split("*", 1)[0]
        data = _word_bytes(match.group(2), match.group(3))
        if pieces and pieces[-1][0] is not None and pieces[-1][0].lower() == charset.lower():
            previous = pieces[-1][1]
            assert isinstance(previous, bytes)
            pieces[-1] = (charset, previous + data)
        else:
            pieces.append((charset, data))
        position = match.end()
    pieces.append((None, value[position:]))
    out = []
    for charset, chunk in pieces:
        out.append(bytes_decode(chunk, charset) if isinstance(chunk, bytes) else chunk)
    return "".join(out)


def header_text(message: MimeMessage, name: str) -> str:
    raw = header_raw(message, name)
    return words_decode(raw).strip() if raw else ""


def _simple_address(value: str) -> tuple[str, str] | None:
    """`Name <a@b.c>`, `"Name" <a@b.c>`, `<a@b.c>` or `a@b.c` read without the general parser,
    giving exactly what `getaddresses` gives for them (tested); None for anything else."""
    found = _SIMPLE_ADDRESS.fullmatch(value)
    if found is None:
        return None
    if found["bare"]:
        return "", found["bare"]
    if found["quoted"] is not None:
        return found["quoted"], found["angle"]
    return _PHRASE_SPACE.sub(" ", found["phrase"] or ""), found["angle"]


def addresses_parse(raw: str | None) -> tuple[tuple[str, str], ...]:
    """(display name, lower-cased address) pairs of an address header; never raises."""
    if not raw:
        return ()
    return _addresses_parse(raw)


@functools.lru_cache(maxsize=1024)  # a parse reads From two or three times
def _addresses_parse(raw: str) -> tuple[tuple[str, str], ...]:
    value = surrogates_decode(unfold(raw))
    simple = _simple_address(value)
    if simple is not None:
        pairs = [simple]
    else:
        try:
            pairs = getaddresses([value])
        except Exception:  # noqa: BLE001 - a malformed header is data, not an error
            pairs = []
    result = []
    for name, address in pairs:
        address = address.strip().strip("<>").lower()
        if "@" not in address:
            continue
        result.append((words_decode(name).strip().strip('"').strip(), address))
    if not result:
        decoded = words_decode(value)
        result = [("", found.lower()) for found in EMAIL_ADDRESS.findall(decoded)]
        if not result and decoded.strip():
            # Local-only or garbled sender: keep the text so nothing is lost.
            result = [(decoded.strip(), "")]
    return tuple(result)


def date_parse(raw: str | None) -> datetime | None:
    """The Date header as an aware datetime, or None when it is missing or invalid."""
    if not raw:
        return None
    try:
        value = parsedate_to_datetime(surrogates_decode(unfold(raw)).strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if value is None or not 1970 <= value.year <= 2200:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def message_ids(raw: str | None) -> tuple[str, ...]:
    """Message-IDs in a header, each as `<id>`; a bare id without brackets is bracketed."""
    if not raw:
        return ()
    value = surrogates_decode(unfold(raw))
    found = MESSAGE_ID.findall(value)
    if found:
        return tuple(dict.fromkeys(f"<{item}>" for item in found))
    bare = value.strip()
    if bare and " " not in bare and len(bare) < 250:
        return (f"<{bare.strip('<>')}>",)
    return ()
