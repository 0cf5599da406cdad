"""The pure search core: analysis, synonyms, typos and ranking on plain values (no database)."""

import time

import pytest

from knowledgebase.search import Doc, SearchIndex
from knowledgebase.search.fuzzy import FuzzyVocabulary, distance
from knowledgebase.search.text import fold, stem, terms, words

pytestmark = pytest.mark.core


def _doc(n, title, area, language="es", **extra):
    return Doc(id=n, slug=f"d{n}", title=title, area=area, language=language, group=str(n), **extra)


DOCS = [
    _doc(1, "No tengo señal en mi celular", "connection", keywords=("cobertura", "sin servicio")),
    _doc(2, "Internet móvil lento", "data", keywords=("datos", "velocidad")),
    _doc(3, "Los mensajes de texto no se envían", "sms", keywords=("sms",)),
    _doc(4, "Las llamadas se cortan", "calls", keywords=("llamada caída",)),
    _doc(5, "Cómo pagar mi factura", "billing", keywords=("pago", "código de pago")),
    _doc(6, "Hice una recarga y no aparece", "billing", keywords=("saldo",)),
    _doc(7, "My calls keep dropping", "calls", language="en", keywords=("dropped calls",)),
    _doc(8, "Configurar el APN", "device", keywords=("apn", "punto de acceso")),
]
INDEX = SearchIndex(DOCS)


def top(query, **kwargs):
    hits = INDEX.search(query, **kwargs)
    return hits[0].doc.slug if hits else None


def test_fold_removes_accents_case_and_stretched_letters():
    assert fold("SEÑAL Búsqueda Crédito") == "senal busqueda credito"
    assert fold("lentooooo") == "lento"


def test_words_expand_sms_speak_and_mark_phrases():
    assert words("q onda xq no llega el msj") == [
        "que",
        "onda",
        "porque",
        "no",
        "llega",
        "el",
        "mensaje",
    ]
    assert "~signal" in words("me sale Sin Servicio")


def test_snowball_stemming_joins_inflections():
    assert stem("mensajes", "es") == stem("mensaje", "es")
    assert stem("llamadas", "es") == stem("llamada", "es")
    assert stem("dropping", "en") == stem("dropped", "en") == "drop"


def test_terms_carry_language_and_concepts():
    found = terms("Sin cobertura", "es")
    assert "es:cobertur" in found and "~signal" in found
    assert "es:sin" not in found  # stop word on its own


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SEÑAL", "d1"),
        ("senal", "d1"),
        ("barras", "d1"),  # synonym of señal
        ("megas", "d2"),  # synonym of datos
        ("gigas lentos", "d2"),
        ("no salen mis textos", "d3"),
        ("audio de la llamada", "d4"),
        ("boleta", "d5"),  # synonym of factura
        ("no tengo crédito", "d6"),  # synonym of saldo
    ],
)
def test_folding_stemming_and_synonyms(query, expected):
    assert top(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("covertura", "d1"),
        ("fatura", "d5"),
        ("recaraga", "d6"),
        ("mensages", "d3"),
        ("lneto", "d2"),
    ],
)
def test_typos_match_titles_and_keywords(query, expected):
    assert top(query) == expected


def test_short_words_are_not_fuzzy_matched():
    assert FuzzyVocabulary(["sms", "apn"]).nearest("spn") == []
    assert distance("recarga", "recaraga") == 1
    assert distance("lento", "lneto") == 1  # adjacent swap


def test_english_queries_find_english_documents():
    assert top("my calls drop") == "d7"


def test_ranking_prefers_more_query_words_and_titles():
    hits = INDEX.search("pagar factura con código de pago")
    assert [h.doc.slug for h in hits][:1] == ["d5"]
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:], strict=False))


def test_visibility_filter_and_translation_groups():
    docs = [
        _doc(1, "Sin señal", "connection"),
        Doc(
            id=2,
            slug="interno",
            title="Sin señal: escalar",
            area="connection",
            language="es",
            group="2",
            public=False,
        ),
        Doc(
            id=3,
            slug="borrador",
            title="Sin señal borrador",
            area="connection",
            language="es",
            group="3",
            published=False,
        ),
        Doc(id=4, slug="no-signal", title="No signal", area="connection", language="en", group="1"),
    ]
    index = SearchIndex(docs)
    public = [h.doc.slug for h in index.search("señal")]
    assert public == ["d1"]  # one version per translation group, no internal, no draft
    agents = index.search("señal", allow=lambda d: d.published)
    assert {h.doc.slug for h in agents} == {"d1", "interno"}
    assert [h.doc.slug for h in index.search("señal", prefer_language="en")] == ["no-signal"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "!!!",
        "de la que el",
        "' OR 1=1; --",
        "<script>alert(1)</script>",
        "\x00\x01",
        "zzzzzzqqqq",
    ],
)
def test_bad_or_meaningless_queries_give_empty_results(query):
    assert INDEX.search(query) == []


def test_sql_in_a_query_is_only_text():
    hits = INDEX.search("'; DROP TABLE knowledgebase_article; -- llamadas")
    assert hits[0].doc.area == "calls"


def test_huge_query_is_bounded_and_fast():
    query = "señal " + " ".join(f"palabra{n}" for n in range(3000))
    started = time.perf_counter()
    hits = INDEX.search(query)
    assert time.perf_counter() - started < 0.5
    assert hits and hits[0].doc.slug == "d1"
