"""Separating the new text of a reply from quoted history and signatures.

Pure text in, text out. Recognises Gmail/Apple "On ... wrote:" (also split over lines),
Spanish "El ... escribió:", Outlook's "-----Original Message-----" and its header block
("De: / Enviado: / Para: / Asunto:", "From: / Sent: / To: / Subject:"), ">" quoting, the
"-- " signature delimiter and mobile footers ("Enviado desde mi iPhone"). Nothing is dropped:
the three parts together are the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ATTRIBUTION_START = re.compile(
    r"^\s*(?:>\s*)?-*\s*(On|El|Em|Le|Am|Il|Op|Den|W dniu|В|Vào)\b.*", re.IGNORECASE
)
_ATTRIBUTION_END = re.compile(
    r"(?:(?:wrote|escribi[oó]|escreveu|a [ée]crit|schrieb|ha scritto|schreef|skrev|napisał"
    r"|написал|đã viết|geschreven)\s*:|<[^<>\s]+@[^<>\s]+>\s*:)\s*$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"^\s*(?:-{2,}\s*(?:original message|mensaje original|mensagem original|message d'origine"
    r"|urspr[üu]ngliche nachricht)\s*-{2,}|_{20,}|-{20,})\s*$",
    re.IGNORECASE,
)
_HEADER_FROM = re.compile(r"^\s*\*?(From|De|Von|Da|Van|Från|Fra)\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_OTHER = re.compile(
    r"^\s*\*?(Sent|Enviado(?: el)?|Date|Fecha|Gesendet|Datum|Envoy[ée]|To|Para|An|[ÀA]|Sendt"
    r"|Skickat|Til|Till|Subject|Asunto|Assunto|Betreff|Objet|Emne|Ämne|Cc)\s*:",
    re.IGNORECASE,
)
_FORWARD = re.compile(r"forward|reenviad|weitergeleitet|transf[ée]r|encaminhad", re.IGNORECASE)
_SIGNATURE_DELIMITER = re.compile(r"^(--|-- |__)\s*$")
_MOBILE_FOOTER = re.compile(
    r"^\s*(Enviado desde mi|Sent from my|Enviado do meu|Envoy[ée] de mon|Von meinem"
    r"|Get Outlook for|Obtener Outlook para|Descargar Outlook para|Sent from Mail for"
    r"|Enviado desde Correo para|Sent from Yahoo Mail|Enviado desde Yahoo Mail"
    r"|Sent via|Enviado con|Sent with)\b.{0,80}$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ReplySplit:
    new: str
    quoted: str
    signature: str


def _attribution_at(lines: list[str], index: int) -> int:
    """Number of lines of an "On ... wrote:" attribution starting at `index` (0 if none)."""
    line = lines[index]
    starts = bool(_ATTRIBUTION_START.match(line))
    dated = bool(re.search(r"\d", line)) and ("@" in line or bool(re.search(r"\d:\d\d", line)))
    if not (starts or dated):
        return 0
    for extra in range(0, 4):
        if index + extra >= len(lines):
            break
        current = lines[index + extra]
        if extra and not current.strip():
            break
        if _ATTRIBUTION_END.search(current):
            return extra + 1
    return 0


def _outlook_header_at(lines: list[str], index: int) -> bool:
    if not (_HEADER_FROM.match(lines[index]) or _HEADER_OTHER.match(lines[index])):
        return False
    following = [line for line in lines[index + 1 : index + 6] if line.strip()][:3]
    return any(_HEADER_FROM.match(line) or _HEADER_OTHER.match(line) for line in following)


def _forwarded(lines: list[str], index: int) -> bool:
    before = [line for line in lines[max(0, index - 3) : index] if line.strip()]
    return bool(before) and bool(_FORWARD.search(before[-1]))


def _attribution_above(lines: list[str], index: int) -> int:
    """Move a quote start up over the attribution lines just above a ">" block."""
    position = index
    while position > 0 and not lines[position - 1].strip():
        position -= 1
    for _ in range(3):
        if position == 0:
            break
        above = lines[position - 1]
        if above.strip() and ("@" in above or above.rstrip().endswith((":", ">:", "<"))):
            position -= 1
        else:
            break
    return position if position < index else index


def _quote_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if _FORWARD.search(line) and re.match(r"^\s*-{3,}", line):
            return None  # a forward: the forwarded text is the customer's message
        if _SEPARATOR.match(line) and index + 1 < len(lines):
            following = [item for item in lines[index + 1 : index + 4] if item.strip()]
            if (
                "original" in line.lower()
                or "ursprüngliche" in line.lower()
                or (following and _HEADER_FROM.match(following[0]))
            ):
                return index
        if _attribution_at(lines, index):
            return index
        if index > 0 and _outlook_header_at(lines, index) and not _forwarded(lines, index):
            return index
        if line.lstrip().startswith(">") and index > 0:
            rest = lines[index:]
            quoted = sum(1 for item in rest if item.lstrip().startswith(">"))
            if quoted >= max(1, len([item for item in rest if item.strip()]) * 0.6):
                return _attribution_above(lines, index)
    return None


def _signature_start(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        if _SIGNATURE_DELIMITER.match(line) and index > 0 and len(lines) - index <= 15:
            return index
        if _MOBILE_FOOTER.match(line) and len(lines) - index <= 4 and index > 0:
            return index
    return None


def reply_split(text: str) -> ReplySplit:
    """The new text, the quoted history and the signature of a plain-text message body."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    start = _quote_start(lines)
    if start is None:
        head, quoted = lines, []
    else:
        head, quoted = lines[:start], lines[start:]
    if not "\n".join(head).strip():
        # Bottom-posting or quote-only: keep what is not quoted so the reply is not lost.
        kept = [line for line in lines if not line.lstrip().startswith(">")]
        size = _attribution_at(lines, start) if start is not None else 0
        if start is not None and size:
            attribution = set(range(start, start + size))
            kept = [
                line
                for number, line in enumerate(lines)
                if number not in attribution and not line.lstrip().startswith(">")
            ]
        head, quoted = (kept, [line for line in lines if line.lstrip().startswith(">")])
        if not "\n".join(head).strip():
            head, quoted = lines, []
    signature_at = _signature_start(head)
    signature: list[str] = []
    if signature_at is not None and "\n".join(head[:signature_at]).strip():
        head, signature = head[:signature_at], head[signature_at:]
    return ReplySplit(
        new="\n".join(head).strip(),
        quoted="\n".join(quoted).strip(),
        signature="\n".join(signature).strip(),
    )
