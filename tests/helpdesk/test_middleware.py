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


def test_widget_cors_only_for_listed_sites_and_public_gets(client, queues, settings):
    settings.WIDGET_EMBED_ORIGINS = ["tienda.example.com"]
    ok = client.get("/api/v1/status/", HTTP_ORIGIN="https://tienda.example.com")
    assert ok["Access-Control-Allow-Origin"] == "https://tienda.example.com"
    other = client.get("/api/v1/status/", HTTP_ORIGIN="https://malo.example.com")
    assert "Access-Control-Allow-Origin" not in other
    private = client.get("/api/v1/tickets/", HTTP_ORIGIN="https://tienda.example.com")
    assert "Access-Control-Allow-Origin" not in private
