"""Browser: an agent finds tickets from the search box, by words and by reference."""

import pytest

from helpdesk.services.intake import Inbound, intake_receive
from tests.e2e.login import log_in
from tests.factories import user_create

pytestmark = [pytest.mark.e2e, pytest.mark.core]


def test_agent_searches_by_words_then_opens_a_reference(browser, live_daphne, queues):
    user_create("agente1", queues=[queues["technical"]], password="clave-segura-123")
    wanted = intake_receive(
        Inbound(
            channel="web",
            email="lucia@correo.pe",
            name="Lucía Ñahui",
            subject="Sin señal en Miraflores",
            text="No tengo señal desde anoche",
        )
    ).ticket
    other = intake_receive(
        Inbound(channel="web", email="raul@correo.pe", name="Raúl", text="No me llegan los SMS")
    ).ticket
    assert wanted.queue.slug == other.queue.slug == "technical"

    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    log_in(page, live_daphne.url + "/agent/", "agente1")
    page.wait_for_selector(f"tr[data-ticket='{other.reference}']")

    # Words without accents, in lower case, find the subject or the name; the other is gone.
    for words in ("senal MIRAFLORES", "nahui", "Lucia senal"):
        page.fill("#f-q", words)
        page.click("#ticket-search button[type=submit]")
        page.wait_for_selector(f"tr[data-ticket='{wanted.reference}']")
        assert page.locator(f"tr[data-ticket='{other.reference}']").count() == 0
        assert page.input_value("#f-q") == words

    page.fill("#f-q", "portabilidad")
    page.click("#ticket-search button[type=submit]")
    page.wait_for_selector("text=Ningún ticket coincide")

    # A reference typed in lower case opens the ticket itself.
    page.fill("#f-q", wanted.reference.lower())
    page.click("#ticket-search button[type=submit]")
    page.wait_for_url(f"**/agent/tickets/{wanted.reference}/**")
    assert "Sin señal en Miraflores" in page.inner_text("h1")
    context.close()
