"""Text normalisation for triage: accents, case, stretched letters, SMS-speak, typos, tokens.

Customers write "holaaa no tengo señaaal", "xq no me entra la recarga", "el inter no anda": this
module turns all of that into plain lowercase tokens without accents ("hola no tengo senal") so
the lexicon can be written once in ordinary Spanish.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A clause break: dismissals ("no es la señal, es el saldo") stop here.
BREAK = "|"

# SMS-speak, abbreviations and frequent misspellings, already folded (no accents, lowercase).
# A value may hold several words ("nose" -> "no se").
SHORTHAND: dict[str, str] = {
    # que / porque / tambien / por favor / gracias
    "q": "que",
    "k": "que",
    "ke": "que",
    "qe": "que",
    "xq": "porque",
    "pq": "porque",
    "xk": "porque",
    "pk": "porque",
    "porq": "porque",
    "porke": "porque",
    "xque": "porque",
    "tmb": "tambien",
    "tb": "tambien",
    "tmbn": "tambien",
    "tambn": "tambien",
    "tbn": "tambien",
    "xfa": "por favor",
    "xfavor": "por favor",
    "porfa": "por favor",
    "porfis": "por favor",
    "pls": "por favor",
    "plis": "por favor",
    "plz": "por favor",
    "grax": "gracias",
    "grs": "gracias",
    "grcs": "gracias",
    "nose": "no se",
    "ntp": "no te preocupes",
    "x": "por",
    "d": "de",
    "pa": "para",
    "xa": "para",
    "toy": "estoy",
    "tas": "estas",
    "bn": "bien",
    "cmo": "como",
    "aki": "aqui",
    "dnd": "donde",
    "dsd": "desde",
    "hrs": "horas",
    "hla": "hola",
    "ola": "hola",
    "bno": "bueno",
    "vdd": "verdad",
    "tmp": "tampoco",
    "nd": "nada",
    "nunk": "nunca",
    "nunka": "nunca",
    "aora": "ahora",
    # phone, line, messages, internet, whatsapp
    "cel": "celular",
    "celu": "celular",
    "cell": "celular",
    "cels": "celulares",
    "tel": "telefono",
    "telf": "telefono",
    "tlf": "telefono",
    "tlfn": "telefono",
    "msj": "mensaje",
    "msjs": "mensajes",
    "mjs": "mensajes",
    "mje": "mensaje",
    "mensj": "mensaje",
    "mnsj": "mensaje",
    "mensage": "mensaje",
    "mensages": "mensajes",
    "inter": "internet",
    "intenet": "internet",
    "internert": "internet",
    "interne": "internet",
    "internt": "internet",
    "wsp": "whatsapp",
    "wpp": "whatsapp",
    "wasap": "whatsapp",
    "guasap": "whatsapp",
    "whatsap": "whatsapp",
    "watsap": "whatsapp",
    "wassap": "whatsapp",
    "wapp": "whatsapp",
    "whats": "whatsapp",
    "nro": "numero",
    "num": "numero",
    "cia": "compania",
    "compa": "compania",
    "senial": "senal",
    "sinal": "senal",
    "mb": "megas",
    "gb": "gigas",
    "gigabytes": "gigas",
    "megabytes": "megas",
    "megaz": "megas",
    "gigaz": "gigas",
    "yamar": "llamar",
    "yamo": "llamo",
    "yamada": "llamada",
    "yamadas": "llamadas",
    "llamdas": "llamadas",
    "llamda": "llamada",
    # frequent spelling slips
    "ise": "hice",
    "hise": "hice",
    "iso": "hizo",
    "aser": "hacer",
    "aserlo": "hacerlo",
    "nesesito": "necesito",
    "nesecito": "necesito",
    "nececito": "necesito",
    "resarga": "recarga",
    "rrecarga": "recarga",
    "recaga": "recarga",
    "recarge": "recargue",
    "recarje": "recargue",
    "resargue": "recargue",
    "zaldo": "saldo",
    "saldp": "saldo",
    "balanse": "balance",
    "factira": "factura",
    "fatura": "factura",
    "facura": "factura",
    "devolusion": "devolucion",
    "rembolso": "reembolso",
    "renbolso": "reembolso",
    "aclarasion": "aclaracion",
    "depocito": "deposito",
    "deposte": "deposite",
    # English contractions already split by `fold` ("can't" -> "can not")
    "cant": "can not",
    "dont": "do not",
    "didnt": "did not",
    "doesnt": "does not",
    "isnt": "is not",
    "wasnt": "was not",
    "wont": "will not",
    "im": "i am",
}

# Letters that are legitimately doubled in Spanish or English words (llamar, carro, leer,
# acción, innato, cool, apps, bill): a pair of them is kept; see `squeeze`.
_DOUBLES = frozenset("lrceonpstfmgd")

_RUN = re.compile(r"(.)\1+")
_APOSTROPHE_NOT = re.compile(r"(?<=[a-z])n[’']t\b")
_CANT = re.compile(r"\bcan[’']t\b")
_UNITS = re.compile(r"^(\d+)(gb|mb|g|gigas?|megas?|min|mins)$")
_NETWORK = re.compile(r"^[2-5]g$")
_TOKEN = re.compile(r"[a-zñ0-9]+(?:\+)?|[.,;:!?¿¡\n()]")
_BREAK_CHARS = frozenset(".,;:!?¿¡\n()")
_BREAK_WORDS = frozenset({"pero", "sino", "but", "however", "aunque", "although"})


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _marks_drop(match: re.Match[str]) -> str:
    return "".join(c for c in match.group(0) if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Lowercase and strip accents (ñ becomes n), keeping punctuation that ends clauses."""
    lowered = text.lower()
    lowered = _CANT.sub("can not", lowered)
    lowered = _APOSTROPHE_NOT.sub(" not", lowered)
    if lowered.isascii():
        return lowered  # nothing to decompose nor strip
    # Combining marks are never ASCII: only the non-ASCII runs are looked at, char by char.
    return _NON_ASCII.sub(_marks_drop, unicodedata.normalize("NFKD", lowered))


@lru_cache(maxsize=65536)
def squeeze(word: str) -> str:
    """Cut stretched letters: "holaaa" -> "hola", "nooo" -> "no", "llamarrr" -> "llamar".

    A run of three or more is a stretch and becomes one letter; a pair stays only for letters
    that Spanish or English double (llamar, carro, leer, acción, cool, apps).
    """
    if len(word) < 2 or word.isdigit():
        return word
    return _RUN.sub(_squeeze_run, word)


def _squeeze_run(match: re.Match[str]) -> str:
    run = match.group(0)
    char = run[0]
    if char.isdigit():
        return run
    if len(run) == 2 and char in _DOUBLES:
        return run
    return char


def _expand(word: str) -> list[str]:
    if word in SHORTHAND:
        return SHORTHAND[word].split()
    if _NETWORK.match(word):  # 3g, 4g, 5g: network generations, not gigabytes
        return [word]
    unit = _UNITS.match(word)
    if unit:
        return [unit.group(1), _unit_word(unit.group(2))]
    return [word]


def _unit_word(unit: str) -> str:
    if unit.startswith("g"):
        return "gigas"
    if unit.startswith("mega") or unit == "mb":
        return "megas"
    return "minutos"


def tokens(text: str) -> tuple[str, ...]:
    """Normalised words of `text`, with BREAK marking clause boundaries."""
    result: list[str] = []
    for raw in _TOKEN.findall(fold(text)):
        if raw in _BREAK_CHARS:
            if result and result[-1] != BREAK:
                result.append(BREAK)
            continue
        raw = raw.rstrip("+") or raw
        word = squeeze(raw)
        if word in _BREAK_WORDS:
            if result and result[-1] != BREAK:
                result.append(BREAK)
            result.append(word)
            continue
        result.extend(_expand(word))
    while result and result[-1] == BREAK:
        result.pop()
    return tuple(result)
