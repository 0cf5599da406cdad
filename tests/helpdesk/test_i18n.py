import pytest

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def test_spanish_even_when_the_browser_asks_for_english(client, queues):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "es"
    assert "¿Cómo te ayudamos hoy?" in response.content.decode()


def test_language_switch_to_english(client, queues):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    assert response["Content-Language"] == "en"
    assert "How can we help you today?" in response.content.decode()
