import pytest

from helpdesk.redaction import MARK, luhn_valid, redact

pytestmark = pytest.mark.core


@pytest.mark.parametrize(
    ("text", "kinds", "hidden"),
    [
        ("mi contraseña es Hunter22 y no funciona", ("password",), "Hunter22"),
        ("My password is abc123!", ("password",), "abc123!"),
        ("la clave: secreta99", ("password",), "secreta99"),
        ("el PIN 4321 del chip", ("pin",), "4321"),
        ("mi nip es 9876", ("pin",), "9876"),
        ("PUK: 12345678", ("puk",), "12345678"),
        ("tarjeta 4111 1111 1111 1111 cvv 123", ("card", "cvv"), "4111 1111 1111 1111"),
        ("card 5500-0000-0000-0004", ("card",), "5500-0000-0000-0004"),
        ("código de seguridad: 987", ("cvv",), "987"),
    ],
)
def test_secrets_are_hidden(text, kinds, hidden):
    result = redact(text)
    assert result.kinds == kinds
    assert hidden not in result.text
    assert MARK in result.text


@pytest.mark.parametrize(
    "text",
    [
        "olvidé mi contraseña",
        "mi número es 0981 123456",
        "recargué 150 pesos al 5512345678",
        "el pin no funciona",
        "factura 4111 1111 1111 1112",  # fails Luhn: an invoice number, not a card
        "I forgot my password",
    ],
)
def test_ordinary_text_is_untouched(text):
    result = redact(text)
    assert result.text == text and not result.changed


def test_luhn():
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
