"""Search results show where they matched: words marked in subjects and in a message excerpt."""

import pytest

from helpdesk.search import search_parse
from helpdesk.search_filters import search_hits_read
from helpdesk.search_marks import excerpt_marked, spans_find, text_marked
from helpdesk.services.intake import Inbound, intake_receive
from tests.helpdesk.test_search import agent_client, open_ticket, tickets  # noqa: F401

pytestmark = [pytest.mark.core]


def marked(parts):
    return [text for text, is_marked in parts if is_marked]


# -- pure ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "q, text, expected",
    [
        ("senal", "Sin SEÑAL en Coyoacán", ["SEÑAL"]),  # accents and case, original kept
        ("recarg", "Dos recargas y una Recarga", ["recarg", "Recarg"]),  # a word's start
        ("carga", "Los datos no cargan; la recarga tampoco", ["carga"]),  # not mid-word
        ("trx-8821", "folio TRX 8821 del lunes", ["TRX 8821"]),  # runs in a row
        ("5.000", "recargué $5.000 y $5000", ["5.000"]),
        ("55 1234 5678", "línea (55) 1234-5678", ["55) 1234-5678"]),
        ("sin senal", "sin señal, sin nada", ["sin", "señal", "sin"]),
        ("conexion", "reconexión", []),
    ],
)
def test_words_are_marked_where_the_search_would_find_them(q, text, expected):
    assert marked(text_marked(text, search_parse(q).terms)) == expected


def test_marking_keeps_every_character_and_maps_through_ligatures():
    text = "ﬁnal: fin del ﬁltro"
    parts = text_marked(text, ("FI",))
    assert "".join(part for part, _ in parts) == text
    assert marked(parts) == ["ﬁ", "fi", "ﬁ"]
    assert spans_find("", ("FI",)) == [] and text_marked("sin nada", ()) == [("sin nada", False)]


def test_an_excerpt_is_cut_around_the_first_match_at_spaces():
    text = "uno " * 60 + "aquí va la recarga que nunca llegó " + "dos " * 60
    parts = excerpt_marked(text, ("RECARGA",), width=60)
    joined = "".join(part for part, _ in parts)
    assert parts[0] == ("…", False) and parts[-1] == ("…", False)
    assert marked(parts) == ["recarga"]
    assert len(joined) <= 60 + 2
    assert joined.strip("…").split(" ")[0] in ("uno", "aquí", "va", "la")  # whole words
    assert excerpt_marked("recarga al inicio", ("RECARGA",)) == [
        ("recarga", True),
        (" al inicio", False),
    ]
    assert excerpt_marked("nada que ver", ("RECARGA",)) == []


# -- on the database -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_hits_are_the_newest_matching_message_of_each_ticket(tickets):  # noqa: F811
    signal, data = tickets["signal"], tickets["data"]
    for text in ("Hice una recarga de $100", "Sigo igual", "Otra recarga, ahora de $200"):
        intake_receive(
            Inbound(channel="web", email="jose@correo.mx", text=text, ticket_id=signal.pk)
        )
    hits = search_hits_read([signal.pk, data.pk], search_parse("recarga"))
    assert hits == {signal.pk: "Otra recarga, ahora de $200"}  # the data ticket has none
    by_subject = search_hits_read([signal.pk], search_parse("coyoacan"))
    assert by_subject == {}  # found by its subject: no message to show
    assert search_hits_read([signal.pk], search_parse(signal.reference)) == {}
    line = search_hits_read([signal.pk], search_parse("+52 55 1234 5678"))
    assert line == {}  # the line is the contact's, in no message


@pytest.mark.django_db
def test_the_result_list_marks_the_words_and_shows_where_a_message_matched(
    agent_client,  # noqa: F811
    queues,
):
    ticket = open_ticket(
        "No tengo señal, ya reinicié el teléfono <b>urgente</b>",
        "ana@correo.mx",
        subject="Sin señal en mi zona",
    )
    page = agent_client.get("/agent/", {"q": "senal reinicie"}).content.decode()
    row = page[page.index(f'data-ticket="{ticket.reference}"') :]
    row = row[: row.index("</tr>")]
    assert "Sin <mark>señal</mark> en mi zona" in row
    assert 'data-testid="search-hit"' in row
    assert "<mark>reinicié</mark> el teléfono &lt;b&gt;urgente&lt;/b&gt;" in row  # escaped
    plain = agent_client.get("/agent/").content.decode()
    assert "<mark>" not in plain and 'data-testid="search-hit"' not in plain
