"""Walking a MIME tree: the readable text and HTML blocks, and every file in it.

Rules a mail client follows: an alternative shows one of its children (plain preferred for
text, HTML for HTML); a related block's first part is the body and the rest are inline images;
a mixed block shows its inline text parts in order. Attached messages (.eml) are kept as files,
winmail.dat is unpacked. No part is skipped: what is not text becomes a file.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from email.message import Message as MimeMessage
from email.utils import collapse_rfc2231_value

from mailin.charsets import bytes_decode, surrogates_decode
from mailin.mimeheaders import header_raw, header_text, words_decode
from mailin.tnef import tnef_unpack

MAX_DEPTH = 40


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    inline: bool = False
    content_id: str = ""

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class Block:
    plain: str | None = None
    html: str | None = None


@dataclass
class Collected:
    blocks: list[Block] = field(default_factory=list)
    files: list[ParsedAttachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)


def _filename(part: MimeMessage) -> str:
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        raw = header_raw(part, header)
        if raw is None or param not in raw.lower():
            continue  # the parameter cannot be there: no parse of the header's parameters
        try:
            value = part.get_param(param, header=header)
        except Exception:  # noqa: BLE001 - malformed parameters
            value = None
        if value:
            if isinstance(value, tuple):
                try:
                    value = collapse_rfc2231_value(value, fallback_charset="utf-8")
                except (LookupError, UnicodeError):
                    value = value[2]
            text = words_decode(surrogates_decode(str(value))).strip().strip('"')
            text = text.replace("/", "_").replace("\\", "_").replace("\x00", "")
            if text:
                return text[:255]
    return ""


def _payload(part: MimeMessage) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - broken transfer encoding: keep the raw text
        data = None
    if isinstance(data, bytes):
        return data
    raw = part.get_payload()
    if isinstance(raw, str):
        return raw.encode("utf-8", "surrogateescape")
    return b""


def _is_attachment(part: MimeMessage, filename: str) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    return disposition == "attachment" or (bool(filename) and disposition != "inline")


def _file(part: MimeMessage, data: bytes, out: Collected, inline: bool, name: str = "") -> None:
    ctype = part.get_content_type()
    filename = name or _filename(part)
    if not filename:
        extension = mimetypes.guess_extension(ctype) or ".bin"
        if ctype == "message/rfc822":
            extension = ".eml"
        filename = f"adjunto-{len(out.files) + 1}{extension}"
    content_id = str(part.get("Content-ID", "") or "").strip().strip("<>")
    out.files.append(
        ParsedAttachment(
            filename=filename,
            content_type=ctype,
            content=data,
            inline=inline,
            content_id=content_id[:200],
        )
    )


def _attached_message(part: MimeMessage, out: Collected) -> None:
    inner = part.get_payload()
    if isinstance(inner, list) and inner and isinstance(inner[0], MimeMessage):
        try:
            data = inner[0].as_bytes()
        except Exception:  # noqa: BLE001 - re-serialising a broken message
            data = str(inner[0]).encode("utf-8", "surrogateescape")
        name = _filename(part)
        if not name:
            label = header_text(inner[0], "Subject") or header_text(part, "Content-Description")
            safe = "".join(ch for ch in label[:120] if ch.isprintable() and ch not in "/\\")
            name = f"{safe.strip() or 'mensaje'}.eml"
        _file(part, data, out, inline=False, name=name)
    else:
        _file(part, _payload(part), out, inline=False)


def _leaf(part: MimeMessage, out: Collected, related_inline: bool) -> None:
    ctype = part.get_content_type()
    filename = _filename(part)
    data = _payload(part)
    if not data.strip() and not filename:
        return  # an empty part (a truncated multipart): nothing to keep
    if ctype.startswith("multipart/"):
        # A multipart without parts (no boundary found): its body is all we have, as text.
        out.defects.append("multipart-without-parts")
        ctype = "text/plain"
        out.blocks.append(Block(plain=bytes_decode(data, part.get_content_charset())))
        return
    if ctype in ("application/ms-tnef", "application/vnd.ms-tnef") or (
        filename.lower() == "winmail.dat"
    ):
        content = tnef_unpack(data)
        if content is not None:
            for name, file_bytes in content.files:
                guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
                out.files.append(
                    ParsedAttachment(filename=name[:255], content_type=guessed, content=file_bytes)
                )
            if content.text.strip() or content.html.strip():
                out.blocks.append(Block(plain=content.text or None, html=content.html or None))
            return
        out.defects.append("tnef-unreadable")
    if ctype in ("text/plain", "text/html") and not _is_attachment(part, filename):
        text = bytes_decode(data, part.get_content_charset())
        if ctype == "text/plain":
            out.blocks.append(Block(plain=text))
        else:
            out.blocks.append(Block(html=text))
        return
    if ctype in ("message/delivery-status", "text/rfc822-headers") and not filename:
        out.blocks.append(Block(plain=bytes_decode(data, part.get_content_charset())))
        return
    disposition = (part.get_content_disposition() or "").lower()
    inline = disposition == "inline" or (related_inline and disposition != "attachment")
    _file(part, data, out, inline=inline and ctype.startswith("image/"))


def _alternative(children: list[MimeMessage], out: Collected, depth: int) -> None:
    plain: str | None = None
    html: str | None = None
    for child in children:
        sub = Collected()
        walk(child, sub, depth + 1)
        out.files.extend(sub.files)
        out.defects.extend(sub.defects)
        texts = [b.plain for b in sub.blocks if b.plain is not None]
        htmls = [b.html for b in sub.blocks if b.html is not None]
        if texts and plain is None:
            plain = "\n\n".join(texts)
        if htmls:
            html = "\n".join(htmls)
    if plain is not None or html is not None:
        out.blocks.append(Block(plain=plain, html=html))


def walk(part: MimeMessage, out: Collected, depth: int = 0, related_inline: bool = False) -> None:
    """Collect text blocks and files of `part` into `out`."""
    if depth > MAX_DEPTH:
        out.defects.append("nesting-too-deep")
        _file(part, _payload(part) if not part.is_multipart() else part.as_bytes(), out, False)
        return
    ctype = part.get_content_type()
    if ctype == "message/delivery-status" and part.is_multipart():
        fields = "\n\n".join(surrogates_decode(str(block)).strip() for block in part.get_payload())
        out.blocks.append(Block(plain=fields))
        return
    if ctype == "message/rfc822" or (part.is_multipart() and ctype.startswith("message/")):
        _attached_message(part, out)
        return
    if not part.is_multipart():
        _leaf(part, out, related_inline)
        return
    children = [c for c in part.get_payload() if isinstance(c, MimeMessage)]
    if ctype == "multipart/alternative":
        _alternative(children, out, depth)
    elif ctype == "multipart/related" and children:
        walk(children[0], out, depth + 1)
        for child in children[1:]:
            walk(child, out, depth + 1, related_inline=True)
    else:
        for child in children:
            walk(child, out, depth + 1)
