"""Stemming with Snowball (Spanish and English) plus the stop words both lexicons ignore.

Both stemmers run on every word: a Spanish message is matched against the Spanish lexicon by its
Spanish stems, an English one against the English lexicon by its English stems, so no language
detection is needed for mixed or one-word messages.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import snowballstemmer

_local = threading.local()

# Words that carry no evidence on their own. Negations ("no", "sin", "ni", "nunca", "not") and
# quantities ("mas", "dos", "doble") are NOT here: phrases like "cobraron de más" need them.
_STOP_TEXT = """
    a al algo algun alguna alguno algunos ante antes aqui asi aun ayer bien buen buena buenas
    buenos cada casi como con contra cual cuales cuando de del desde donde el ella ellas
    ellos en entonces entre era es esa esas ese eso esos esta estaba estamos estan estar
    estas este esto estos estoy fue fueron ha habia han has hasta hay he hoy la las le les lo
    los me mi mis mucho muy nos nuestra nuestro o os otra otro para pero por porque pues que quien
    se sea ser si sido sobre solo son su sus tal te ti tiene tienen toda todas todo todos tu tus
    un una unas uno unos usted ustedes vez vos y ya yo
    the an and or of to in on at for is are was were be been it its my me we you your our this
    that with from as by have has had do does did i am will would can could should so
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


def _stemmers() -> tuple[snowballstemmer.Stemmer, snowballstemmer.Stemmer]:
    # Snowball stemmer objects keep state while stemming: one pair per thread.
    pair = getattr(_local, "pair", None)
    if pair is None:
        pair = (snowballstemmer.stemmer("spanish"), snowballstemmer.stemmer("english"))
        _local.pair = pair
    return pair


@lru_cache(maxsize=65536)
def stem_es(word: str) -> str:
    """Spanish stem of a folded word ("llamadas" -> "llam", "facturacion" -> "factur")."""
    if _unstemmable(word):
        return word
    return str(_stemmers()[0].stemWord(word))


@lru_cache(maxsize=65536)
def stem_en(word: str) -> str:
    """English stem of a folded word ("charged" -> "charg", "messages" -> "messag")."""
    if _unstemmable(word):
        return word
    return str(_stemmers()[1].stemWord(word))


def _unstemmable(word: str) -> bool:
    """A word ending in a digit ("12345", "n123", "ab12"): every Snowball suffix ends in a
    letter, so both stemmers return it unchanged; skipping them saves most of a message's
    stemming, since numbers, amounts and case or order ids are the words met only once."""
    return not word or word[-1] in "0123456789"


def is_stop(word: str) -> bool:
    return word in STOP_WORDS
