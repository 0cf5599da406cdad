import pytest

from helpdesk.triage.analysis import analyse
from helpdesk.triage.fuzzy import correct
from helpdesk.triage.normalize import BREAK, fold, squeeze, tokens
from helpdesk.triage.stemming import is_stop, stem_en, stem_es

pytestmark = pytest.mark.core


def test_fold_removes_accents_and_case():
    assert fold("Señal Débil en ÁREA") == "senal debil en area"


def test_fold_splits_english_negations():
    assert fold("I can't call, it doesn't work") == "i can not call, it does not work"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("holaaa", "hola"),
        ("nooo", "no"),
        ("siii", "si"),
        ("senaaal", "senal"),
        ("llamarrr", "llamar"),
        ("llamar", "llamar"),
        ("carro", "carro"),
        ("leer", "leer"),
        ("accion", "accion"),
        ("holaa", "hola"),
        ("100", "100"),
    ],
)
def test_squeeze_cuts_stretched_letters_but_keeps_real_doubles(word, expected):
    assert squeeze(word) == expected


def test_sms_speak_is_expanded():
    assert tokens("nose xq no me llega el msj al cel, tmb el inter") == (
        "no",
        "se",
        "porque",
        "no",
        "me",
        "llega",
        "el",
        "mensaje",
        "al",
        "celular",
        BREAK,
        "tambien",
        "el",
        "internet",
    )


def test_q_and_k_mean_que_and_x_means_por():
    assert tokens("q paso k no hay señal x aca") == (
        "que",
        "paso",
        "que",
        "no",
        "hay",
        "senal",
        "por",
        "aca",
    )


def test_units_and_network_generations():
    assert tokens("paquete de 20gb y 500MB en 4G") == (
        "paquete",
        "de",
        "20",
        "gigas",
        "y",
        "500",
        "megas",
        "en",
        "4g",
    )


def test_clause_breaks_from_punctuation_and_pero():
    assert tokens("no es la señal, es el saldo pero bueno") == (
        "no",
        "es",
        "la",
        "senal",
        BREAK,
        "es",
        "el",
        "saldo",
        BREAK,
        "pero",
        "bueno",
    )


def test_common_misspellings_are_fixed():
    assert tokens("nesesito resarga, ise un depocito") == (
        "necesito",
        "recarga",
        BREAK,
        "hice",
        "un",
        "deposito",
    )


@pytest.mark.parametrize(
    ("typo", "expected"),
    [("factrua", "factura"), ("portabilidd", "portabilidad"), ("cobertuta", "cobertura")],
)
def test_one_letter_typos_are_corrected_towards_the_vocabulary(typo, expected):
    assert correct(typo) == expected


@pytest.mark.parametrize("word", ["problema", "gracias", "mañana", "casa", "quiero"])
def test_ordinary_words_are_not_corrected(word):
    assert correct(fold(word)) == fold(word)


def test_spanish_stems_group_inflections():
    assert {stem_es(w) for w in ("llamada", "llamadas", "llamar", "llamo")} == {"llam"}
    assert stem_es("facturacion") == stem_es("factura") == "factur"


def test_english_stems_group_inflections():
    assert stem_en("charged") == stem_en("charges") == "charg"
    assert stem_en("calls") == stem_en("calling") == "call"


def test_stop_words_keep_negations():
    assert is_stop("el") and is_stop("the")
    assert not is_stop("no") and not is_stop("sin") and not is_stop("not")


def test_analyse_keeps_content_terms_with_both_stems():
    analysed = analyse("No me llegan los mensajes")
    assert [(t.word, t.es) for t in analysed.terms] == [
        ("no", "no"),
        ("llegan", "lleg"),
        ("mensajes", "mensaj"),
    ]
    assert analyse("text messages").terms[1].en == "messag"


def test_dismissed_topics():
    analysed = analyse("no es la señal, es el saldo")
    dismissed = {analysed.words[i] for i in analysed.dismissed}
    assert "senal" in dismissed and "saldo" not in dismissed
    working = analyse("los datos funcionan bien pero no puedo llamar")
    assert {working.words[i] for i in working.dismissed} == {"los", "datos"}


def test_complaints_are_not_dismissed():
    for text in ("no tengo señal", "no me funciona bien el chip", "no es normal que me cobren"):
        assert analyse(text).dismissed == frozenset(), text


@pytest.mark.parametrize(
    "text",
    [
        "Señal Débil en ÁREA, ñandú, pingüino",
        "Ｆｕｌｌ－ｗｉｄｔｈ ½ ﬁ ǅ",  # compatibility forms NFKD rewrites
        "Tiếng Việt có dấu",  # several marks on one letter
        "ελληνικά τόνος",
        "a\u0301 e\u0308 o\u0303",  # combining marks typed as such
        "plain ascii only",
    ],
)
def test_fold_strips_every_combining_mark_like_a_char_by_char_filter(text):
    import unicodedata

    lowered = text.lower()
    expected = "".join(
        c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c)
    )
    assert fold(text) == expected


def test_words_ending_in_a_digit_are_their_own_stems_as_snowball_says():
    import snowballstemmer

    spanish, english = snowballstemmer.stemmer("spanish"), snowballstemmer.stemmer("english")
    for word in ("12345", "n123", "caso77", "recargas2", "abc1", "4g5", "y1"):
        assert stem_es(word) == spanish.stemWord(word) == word
        assert stem_en(word) == english.stemWord(word) == word
    assert stem_es("recargas") == "recarg"  # a word ending in a letter is still stemmed


def test_english_stems_are_only_looked_up_on_text_that_may_be_english():
    spanish = analyse("no tengo señal en mi casa desde ayer")
    assert not [key for key in spanish.positions if key.startswith("en:")]
    english = analyse("my text messages do not arrive")
    assert english.positions["en:messag"] == (1,)
    assert [t.en for t in english.terms][:2] == ["text", "messag"]
