"""Browser: a customer submits the form, an agent replies, the customer sees the reply."""

import re

import pytest

from tests.e2e.login import log_in
from tests.factories import user_create

pytestmark = [pytest.mark.e2e, pytest.mark.core]


def test_form_to_agent_reply_to_tracking_page(browser, live_daphne, queues):
    user_create("agente1", queues=[queues["billing"]], password="clave-segura-123")
    customer = browser.new_context(locale="es-MX")
    page = customer.new_page()
    page.goto(live_daphne.url + "/")
    assert page.locator("h1").first.inner_text().startswith("¿Cómo te ayudamos")
    page.fill("#id_name", "Rosa Acosta")
    page.fill("#id_email", "rosa@example.com")
    page.fill("#id_message", "Hice una recarga de 200 pesos y no se acreditó el saldo")
    page.click("#contact-form button[type=submit]")
    page.wait_for_selector("[data-testid=reference]")
    reference = page.inner_text("[data-testid=reference]")
    assert re.fullmatch(r"T-[2-9A-Z]{6}", reference)
    assert page.inner_text("[data-testid=queue]") == "Facturación y saldo"
    page.click("[data-testid=tracking-link]")
    tracking_url = page.url
    assert "/seguimiento/" in tracking_url

    agent = browser.new_context(locale="es-MX")
    console = agent.new_page()
    log_in(console, live_daphne.url + "/agent/", "agente1")
    console.wait_for_selector(f"tr[data-ticket='{reference}']")
    console.click(f"tr[data-ticket='{reference}'] a")
    console.fill("#reply-text", "Hola Rosa, ya acreditamos tu recarga. Revisa tu saldo.")
    console.click("[data-testid=send-reply]")
    console.wait_for_selector("text=Respuesta enviada")

    page.goto(tracking_url)
    assert "ya acreditamos tu recarga" in page.inner_text("#timeline")
    agent.close()
    customer.close()


def test_help_centre_chat_button_opens_the_widget_in_spanish(browser, live_daphne, queues):
    context = browser.new_context(locale="en-US")  # the browser asks for English
    page = context.new_page()
    page.goto(live_daphne.url + "/")
    page.click("[data-open-chat]")
    page.wait_for_selector("text=Iniciar chat")
    assert page.locator("text=Iniciar chat").first.is_visible()
    context.close()


def test_status_banner_appears_without_reload(browser, live_daphne, queues):
    from datetime import timedelta

    from django.utils import timezone

    from helpdesk.incidents.models import Incident

    page = browser.new_page()
    page.goto(live_daphne.url + "/")
    assert page.locator("[data-banner=incident]").count() == 0
    Incident.objects.create(
        title="Falla de datos en Asunción",
        message="Estamos trabajando para restablecer el servicio.",
        areas=["data"],
        starts_at=timezone.now() - timedelta(minutes=1),
    )
    page.evaluate("window.HDBanners.refresh()")
    page.wait_for_selector("[data-banner=incident]")
    text = page.inner_text("#status-banners")
    assert "Situación del sistema" in text and "Falla de datos en Asunción" in text
    page.close()
