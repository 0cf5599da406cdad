"""Turning bytes of a declared (often wrong or missing) charset into text without losing any.

Order of trust: valid UTF-8 with non-ASCII bytes wins over a legacy 8-bit label (mail clients
mislabel UTF-8 as iso-8859-1 or Big5 far more often than the reverse), then the declared charset,
then UTF-8, then windows-1252, and finally latin-1, which decodes every byte. Never
`unicode_escape`, never dropping bytes.
"""

from __future__ import annotations

import codecs

# Labels seen in the wild that Python does not know, or knows under another name.
ALIASES = {
    "unicode-1-1-utf-7": "utf-7",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "iso-8859-8-i": "iso-8859-8",
    "x-mac-roman": "mac_roman",
    "macintosh": "mac_roman",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "windows-874": "cp874",
    "x-sjis": "shift_jis",
    "shift-jis": "shift_jis",
    "x-euc-jp": "euc_jp",
    "ansi_x3.4-1968": "ascii",
    "us-ascii": "ascii",
    "utf8": "utf-8",
    "latin1": "latin-1",
    "iso-latin-1": "latin-1",
    "cp-850": "cp850",
}
# Charsets whose bytes are never valid UTF-8 by accident (7-bit or wide encodings).
_NOT_OVERRIDABLE = {
    "utf-7",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "iso2022_jp",
    "iso-2022-jp",
    "hz",
}
_UNKNOWN = {
    "",
    "unknown-8bit",
    "x-unknown",
    "unknown",
    "default",
    "x-user-defined",
    "8bit",
    "charset",
}


def charset_normalize(label: str | None) -> str | None:
    """A codec name Python knows for `label`, or None when the label is missing or unknown."""
    if not label:
        return None
    name = str(label).strip().strip("\"'").lower()
    name = name.split("*", 1)[0]  # RFC 2231 language suffix: utf-8*en
    name = ALIASES.get(name, name)
    if name in _UNKNOWN:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _utf8_strict(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def bytes_decode(data: bytes, declared: str | None = None) -> str:
    """Decode `data`; returns text for every input (undecodable bytes become U+FFFD at worst)."""
    if not data:
        return ""
    charset = charset_normalize(declared)
    if data.isascii() and charset not in _NOT_OVERRIDABLE:
        return data.decode("ascii")
    if charset not in _NOT_OVERRIDABLE:
        as_utf8 = _utf8_strict(data)
        if as_utf8 is not None:
            return as_utf8
    if charset:
        try:
            return data.decode(charset)
        except (UnicodeDecodeError, LookupError, ValueError):
            pass
    for fallback in ("utf-8", "cp1252"):
        try:
            return data.decode(fallback)
        except UnicodeDecodeError:
            continue
    if charset:
        try:
            return data.decode(charset, errors="replace")
        except (LookupError, ValueError):
            pass
    return data.decode("latin-1")


def surrogates_decode(text: str, declared: str | None = None) -> str:
    """Text read by the `email` package with surrogate escapes for raw 8-bit bytes, decoded."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return bytes_decode(text.encode("utf-8", "surrogateescape"), declared)
