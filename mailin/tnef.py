"""Unpacking Outlook's TNEF (winmail.dat) into the files and body it hides."""

from __future__ import annotations

from dataclasses import dataclass

from tnefparse import TNEF

from mailin.charsets import bytes_decode


@dataclass(frozen=True)
class TnefContent:
    files: tuple[tuple[str, bytes], ...]
    text: str
    html: str


def tnef_unpack(data: bytes) -> TnefContent | None:
    """Files and body inside a winmail.dat, or None when it is not readable TNEF."""
    try:
        tnef = TNEF(data, do_checksum=False)
    except Exception:  # noqa: BLE001 - a damaged winmail.dat is kept as it is by the caller
        return None
    files = []
    for index, attachment in enumerate(tnef.attachments, start=1):
        fallback = "unknown.dat" if index == 1 else f"unknown-{index}.dat"
        try:
            name = attachment.long_filename() or attachment.name or fallback
        except Exception:  # noqa: BLE001
            name = fallback
        if isinstance(name, bytes):
            name = bytes_decode(name)
        data_bytes = attachment.data if isinstance(attachment.data, bytes) else b""
        files.append((str(name).strip("\x00").strip() or fallback, data_bytes))
    html = _as_text(getattr(tnef, "htmlbody", None))
    text = _as_text(getattr(tnef, "body", None))
    return TnefContent(files=tuple(files), text=text, html=html)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bytes):
        return bytes_decode(value).strip("\x00")
    if isinstance(value, list):
        return "\n".join(_as_text(item) for item in value)
    return str(value).strip("\x00")
