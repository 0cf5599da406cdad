"""Text analysis: folding, tokenising, stop words, Snowball stems and concept terms."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from knowledgebase.search.synonyms import GROUPS

LANGUAGES = ("es", "en")
MAX_QUERY_TOKENS = 40

_STEMMERS = {"es": snowballstemmer.stemmer("spanish"), "en": snowballstemmer.stemmer("english")}
_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_REPEATS = re.compile(r"([a-z])\1{2,}")

# SMS-speak and abbreviations people type, expanded before anything else (folded forms).
ABBREVIATIONS = {
    "q": "que",
    "k": "que",
    "xq": "porque",
    "pq": "porque",
    "porq": "porque",
    "x": "por",
    "tb": "tambien",
    "tmb": "tambien",
    "msg": "mensaje",
    "msgs": "mensajes",
    "msj": "mensaje",
    "msjs": "mensajes",
    "cel": "celular",
    "tel": "telefono",
    "fact": "factura",
    "nd": "nada",
    "ns": "no se",
    "hr": "hora",
    "hrs": "horas",
    "min": "minutos",
    "pls": "por favor",
    "porfa": "por favor",
    "plz": "please",
    "u": "you",
    "cant": "cannot",
    "dont": "do not",
    "wont": "will not",
    "doesnt": "does not",
    "isnt": "is not",
    "im": "i am",
    "sn": "sin",
    "tngo": "tengo",
    "tng": "tengo",
    "kiero": "quiero",
    "kero": "quiero",
    "aki": "aqui",
}

SPANISH_STOPWORDS = frozenset(
    [
        "a",
        "al",
        "algo",
        "algun",
        "alguna",
        "algunas",
        "alguno",
        "algunos",
        "ante",
        "antes",
        "aqui",
        "asi",
        "aun",
        "como",
        "con",
        "contra",
        "cual",
        "cuando",
        "de",
        "del",
        "desde",
        "donde",
        "dos",
        "e",
        "el",
        "ella",
        "ellas",
        "ellos",
        "en",
        "entre",
        "era",
        "es",
        "esa",
        "esas",
        "ese",
        "eso",
        "esos",
        "esta",
        "estaba",
        "estan",
        "estar",
        "estas",
        "este",
        "esto",
        "estos",
        "estoy",
        "fue",
        "ha",
        "hace",
        "hacer",
        "han",
        "has",
        "hasta",
        "hay",
        "he",
        "la",
        "las",
        "le",
        "les",
        "lo",
        "los",
        "me",
        "mi",
        "mis",
        "mucho",
        "muy",
        "nada",
        "ni",
        "nos",
        "o",
        "otra",
        "otro",
        "para",
        "pero",
        "poco",
        "por",
        "porque",
        "que",
        "quien",
        "se",
        "sea",
        "ser",
        "si",
        "sin",
        "sobre",
        "solo",
        "su",
        "sus",
        "tambien",
        "te",
        "tengo",
        "tiene",
        "tienen",
        "tu",
        "tus",
        "un",
        "una",
        "uno",
        "unos",
        "y",
        "ya",
        "yo",
        "sale",
        "aparece",
        "dice",
        "hola",
        "buenas",
        "buenos",
        "dias",
        "tardes",
        "noches",
        "favor",
        "gracias",
        "ayuda",
        "quiero",
        "puedo",
        "no",
    ]
)
ENGLISH_STOPWORDS = frozenset(
    [
        "the",
        "an",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "with",
        "by",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "i",
        "my",
        "me",
        "you",
        "your",
        "we",
        "our",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "do",
        "does",
        "did",
        "not",
        "no",
        "have",
        "has",
        "had",
        "can",
        "could",
        "will",
        "would",
        "should",
        "please",
        "hello",
        "hi",
        "help",
        "there",
        "what",
        "why",
        "how",
        "when",
        "which",
        "who",
        "get",
        "got",
        "just",
        "also",
        "so",
        "as",
        "if",
        "but",
        "about",
        "into",
        "than",
        "then",
        "them",
        "they",
        "he",
        "she",
        "his",
        "her",
        "any",
        "some",
        "all",
        "a",
    ]
)
STOPWORDS = SPANISH_STOPWORDS | ENGLISH_STOPWORDS


def language_guess(tokens: list[str]) -> str | None:
    """ "es" or "en" when the function words of a text clearly say so, else None."""
    spanish = sum(1 for t in tokens if t in SPANISH_STOPWORDS and t not in ENGLISH_STOPWORDS)
    english = sum(1 for t in tokens if t in ENGLISH_STOPWORDS and t not in SPANISH_STOPWORDS)
    if spanish > english:
        return "es"
    if english > spanish:
        return "en"
    return None


# "no" and "sin" carry meaning in phrases ("sin servicio") but not on their own.


def fold(text: str) -> str:
    """Lower-case, strip accents (keeping ñ as n), collapse letters typed three times or more."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _REPEATS.sub(r"\1", stripped)


def _phrase_table() -> list[tuple[str, str]]:
    phrases = []
    for name, words in GROUPS.items():
        for word in words:
            folded = fold(word)
            if " " in folded or "-" in folded:
                phrases.append((folded, f"~{name}"))
    return sorted(phrases, key=lambda item: -len(item[0]))


_PHRASES = _phrase_table()


def words(text: str) -> list[str]:
    """Folded word tokens with SMS-speak expanded and concept phrases marked (`~name`)."""
    folded = fold(text)
    expanded: list[str] = []
    for token in _TOKEN.findall(folded):
        expanded.extend(ABBREVIATIONS.get(token, token).split())
    joined = " " + " ".join(expanded) + " "
    for phrase, concept in _PHRASES:
        if f" {phrase} " in joined:
            joined = joined.replace(f" {phrase} ", f" {phrase} {concept} ")
    return joined.split()


@lru_cache(maxsize=50_000)
def stem(word: str, language: str) -> str:
    return str(_STEMMERS[language].stemWord(word))


def _concept_table() -> dict[tuple[str, str], str]:
    table: dict[tuple[str, str], str] = {}
    for name, group in GROUPS.items():
        for word in group:
            folded = fold(word)
            if " " in folded or "-" in folded:
                continue
            for language in LANGUAGES:
                table.setdefault((language, stem(folded, language)), f"~{name}")
    return table


_CONCEPTS = _concept_table()


def concept(word: str, language: str) -> str | None:
    return _CONCEPTS.get((language, stem(word, language)))


def synonym_words() -> set[str]:
    """Every single-word synonym, folded: part of the vocabulary typos are matched against."""
    return {fold(w) for group in GROUPS.values() for w in group if " " not in w and "-" not in w}


def terms(text: str, language: str) -> list[str]:
    """Index terms of a text in a known language: `lang:stem` plus concept terms."""
    result: list[str] = []
    for word in words(text):
        if word.startswith("~"):
            result.append(word)
            continue
        if word in STOPWORDS or len(word) < 2:
            continue
        result.append(f"{language}:{stem(word, language)}")
        if found := concept(word, language):
            result.append(found)
    return result
