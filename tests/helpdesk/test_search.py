"""Agent search: what the box understands, and the tickets it finds on either database."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from helpdesk import search_filters
from helpdesk.models import Status, Ticket
from helpdesk.search import MAX_TERMS, Search, fold, search_parse, words_match, words_query
from helpdesk.services.intake import Inbound, intake_receive

pytestmark = [pytest.mark.core]


# -- the parser (pure) ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("t-7k3q9d", Search("reference", "T-7K3Q9D")),
        ("  T-7K3Q9D ", Search("reference", "T-7K3Q9D")),
        ("Ana.Perez@Correo.MX", Search("email", "ana.perez@correo.mx")),
        ("55 1234 5678", Search("phone", "+525512345678", ("55 1234 5678",))),
        ("+52 (55) 1234-5678", Search("phone", "+525512345678", ("+52 (55) 1234-5678",))),
        ("Sin SEÑAL en la colonia", Search("text", terms=("SIN", "SENAL", "EN", "LA", "COLONIA"))),
        ("recarga 4412", Search("text", terms=("RECARGA", "4412"))),
        ("a", Search("empty")),
        ("   ", Search("empty")),
        ("¿¡!?", Search("empty")),
    ],
)
def test_parse(raw, expected):
    assert search_parse(raw) == expected


def test_parse_text_drops_repeats_and_caps_terms():
    parsed = search_parse("datos datos " + " ".join(f"palabra{i}" for i in range(20)))
    assert parsed.terms[0] == "DATOS" and parsed.terms.count("DATOS") == 1
    assert len(parsed.terms) == MAX_TERMS


def test_a_broken_address_is_words_not_an_email():
    assert search_parse("ana@@correo").kind == "text"


def test_fold_matches_what_postgres_unaccent_does_for_spanish():
    assert fold("Conexión Ñandú pingüino") == "CONEXION NANDU PINGUINO"


@pytest.mark.parametrize(
    "term, query",
    [("RECARGA", "recarga:*"), ("5.000", "5 <-> 000:*"), ("TRX-8821", "trx <-> 8821:*")],
)
def test_words_query(term, query):
    assert words_query(term) == query


@pytest.mark.parametrize(
    "text, term, expected",
    [
        ("No me llegó la RECARGA de $5.000", "recarga", True),
        ("No me llegó la RECARGA de $5.000", "5.000", True),
        ("No me llegó la RECARGA de $5.000", "5000", False),  # other words
        ("recargas dobles", "recarg", True),  # a word's start
        ("sin recargas", "argas", False),  # not the middle of a word
        ("folio TRX-88213", "trx-8821", True),
        ("folio TRX-88213", "88213", True),
        ("5 1 000", "5.000", False),  # the parts in a row
        ("Señal débil", "SENAL", True),
        ("", "senal", False),
    ],
)
def test_words_match(text, term, expected):
    assert words_match(text, words_query(fold(term))) is expected


# -- on the database ------------------------------------------------------------------------------


def open_ticket(text, email, name="Cliente", phone="", subject=""):
    inbound = Inbound(
        channel="web", email=email, name=name, phone=phone, subject=subject, text=text
    )
    return intake_receive(inbound).ticket


@pytest.fixture
def tickets(queues):
    return {
        "signal": open_ticket(
            "No tengo señal desde ayer",
            "jose@correo.mx",
            name="José Núñez",
            phone="+52 55 1234 5678",
            subject="Sin señal en Coyoacán",
        ),
        "data": open_ticket(
            "Los datos móviles no cargan", "maria@correo.mx", subject="Internet lento"
        ),
        "billing": open_ticket(
            "Me cobraron dos veces la recarga", "pedro@correo.mx", subject="Cobro doble señal"
        ),
    }


@pytest.fixture
def agent_client(agent):
    client = Client()
    client.force_login(agent)
    return client


def found(client, q, **params):
    response = client.get("/agent/", {"q": q, **params})
    assert response.status_code == 200
    return {t.reference for t in response.context["page"].tickets}


@pytest.mark.django_db
def test_words_ignore_accents_and_case_and_match_subject_or_name(agent_client, tickets):
    signal = tickets["signal"].reference
    assert found(agent_client, "senal coyoacan") == {signal}
    assert found(agent_client, "SEÑAL") == {signal}  # the billing one is not this agent's queue
    assert found(agent_client, "nunez") == {signal}  # the contact's name
    assert found(agent_client, "senal lento") == set()  # every word must match
    assert found(agent_client, "jose coyoacan") == {signal}  # a word of each: name and subject
    assert found(agent_client, "nunez lento") == set()


@pytest.mark.django_db
def test_a_common_name_word_still_finds_the_full_name(agent_client, queues, monkeypatch):
    """More customers share a word than are listed: it is looked up in full, not cut short."""
    crowd = [open_ticket("Sin señal", f"c{n}@correo.mx", name=f"Cliente {n}") for n in range(4)]
    wanted = open_ticket("Sin señal", "ana@correo.mx", name="Cliente Ana", subject="Antena")
    monkeypatch.setattr(search_filters, "MAX_CONTACTS", 2)  # fewer than share "cliente"
    assert found(agent_client, "cliente ana antena") == {wanted.reference}
    assert found(agent_client, "antena cliente") == {wanted.reference}
    assert found(agent_client, "cliente") == {t.reference for t in [*crowd, wanted]}
    assert found(agent_client, "ana") == {wanted.reference}  # a listed one


@pytest.mark.django_db
def test_words_of_any_message_of_the_ticket(agent_client, tickets):
    """A word may be in a message, the first or a later one: "recarga 5.000" finds the
    ticket whose follow-up says "$5.000"; words of the subject, the name and the messages mix."""
    signal = tickets["signal"]
    intake_receive(
        Inbound(
            channel="web",
            email="jose@correo.mx",
            name="José Núñez",
            text="Hice una recarga de $5.000 con folio TRX-88213 y sigo sin servicio",
            ticket_id=signal.pk,
        )
    )
    assert found(agent_client, "ayer") == {signal.reference}  # the first message
    assert found(agent_client, "recarga 5.000") == {signal.reference}  # the follow-up
    assert found(agent_client, "88213") == {signal.reference}
    assert found(agent_client, "5000123") == set()
    intake_receive(
        Inbound(channel="web", email="jose@correo.mx", text="Folio 5000123", ticket_id=signal.pk)
    )
    assert found(agent_client, "5000123") == {signal.reference}  # a number, not only a line
    assert found(agent_client, "500 0123") == set()  # its digit groups in a row
    assert found(agent_client, "recarg nunez coyoacan") == {signal.reference}
    assert found(agent_client, "cargan") == {tickets["data"].reference}
    assert found(agent_client, "recarga lento") == set()


@pytest.mark.django_db
def test_a_word_many_messages_hold_is_checked_per_ticket(supervisor, queues, monkeypatch):
    """More messages hold a word than are listed: every ticket with it is still found."""
    client = Client()
    client.force_login(supervisor)
    crowd = [open_ticket(f"Mi recarga 10{n} no llegó", f"r{n}@correo.mx") for n in range(4)]
    other = open_ticket("No tengo señal", "s@correo.mx")
    listed = {"recarga": found(client, "recarga"), "recarga 103": found(client, "recarga 103")}
    assert listed == {"recarga": {t.reference for t in crowd}, "recarga 103": {crowd[3].reference}}
    monkeypatch.setattr(search_filters, "MAX_MESSAGES", 2)  # fewer than hold "recarga"
    assert {q: found(client, q) for q in listed} == listed
    assert found(client, "recarga senal") == set()
    assert found(client, "senal") == {other.reference}
    monkeypatch.setattr(search_filters, "COMMON_ESTIMATE", -1)  # as if every word were common
    assert {q: found(client, q) for q in listed} == listed
    assert found(client, "senal") == {other.reference}


@pytest.mark.django_db
def test_address_and_line_are_exact(agent_client, tickets):
    signal = tickets["signal"].reference
    assert found(agent_client, "JOSE@correo.mx") == {signal}
    assert found(agent_client, "jose@correo") == set()  # a part of an address is just words
    assert found(agent_client, "55-1234-5678") == {signal}
    assert found(agent_client, "5512345679") == set()


@pytest.mark.django_db
def test_search_looks_through_every_status_unless_narrowed(agent_client, tickets):
    signal = tickets["signal"]
    Ticket.objects.filter(pk=signal.pk).update(status=Status.CLOSED)
    assert found(agent_client, "coyoacan") == {signal.reference}
    assert found(agent_client, "coyoacan", status="pending") == set()
    assert signal.reference not in {  # the plain list still shows pending work only
        t.reference for t in agent_client.get("/agent/").context["page"].tickets
    }


@pytest.mark.django_db
def test_a_reference_goes_straight_to_its_ticket_but_only_if_mine(agent_client, tickets):
    signal = tickets["signal"].reference
    response = agent_client.get("/agent/", {"q": signal.lower()})
    assert response.status_code == 302 and response["Location"].endswith(f"/tickets/{signal}/")
    other = agent_client.get("/agent/", {"q": tickets["billing"].reference})
    assert other.status_code == 200 and other.context["page"].tickets == []
    assert "Ningún ticket coincide" in other.content.decode()


@pytest.mark.django_db
def test_supervisor_finds_across_queues(supervisor, tickets):
    client = Client()
    client.force_login(supervisor)
    assert found(client, "senal") == {tickets["signal"].reference, tickets["billing"].reference}


@pytest.mark.django_db
def test_search_keeps_cursor_pages(agent_client, queues):
    refs = [open_ticket(f"sin señal {i}", f"c{i}@x.co").reference for i in range(30)]
    open_ticket("la factura llegó mal", "f@x.co")
    first = agent_client.get("/agent/", {"q": "senal"}).context["page"]
    second = agent_client.get("/agent/", {"q": "senal", "cursor": first.next_cursor})
    pages = [t.reference for t in first.tickets + second.context["page"].tickets]
    assert pages == refs[::-1]


@pytest.mark.django_db
def test_api_search_and_bad_query_parameters(agent, tickets):
    api = APIClient()
    api.force_authenticate(agent)
    response = api.get("/api/v1/tickets/", {"q": "coyoacán"})
    assert response.status_code == 200
    assert [t["reference"] for t in response.json()["results"]] == [tickets["signal"].reference]
    for params, field in [
        ({"size": "abc"}, "size"),
        ({"size": "0"}, "size"),
        ({"size": "101"}, "size"),
        ({"status": "perdido"}, "status"),
        ({"q": "x" * 201}, "q"),
    ]:
        bad = api.get("/api/v1/tickets/", params)
        assert bad.status_code == 400 and field in bad.json(), (params, bad.content)
