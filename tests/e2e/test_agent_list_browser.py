"""Browser: the agent list: its search box (words, a reference) and its bulk changes."""

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

    # Words without accents, in lower case, find the subject, the name or a message; the
    # other ticket is gone.
    for words, hit, miss in [
        ("senal MIRAFLORES", wanted, other),
        ("nahui", wanted, other),
        ("Lucia senal", wanted, other),
        ("anoche", wanted, other),  # only in the message
        ("llegan", other, wanted),
    ]:
        page.fill("#f-q", words)
        page.click("#ticket-search button[type=submit]")
        page.wait_for_selector(f"tr[data-ticket='{hit.reference}']")
        assert page.locator(f"tr[data-ticket='{miss.reference}']").count() == 0
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


def test_agent_ticks_every_row_and_closes_them_at_once(browser, live_daphne, queues):
    from helpdesk.models import Status, Ticket, TicketEvent

    user_create("agente1", queues=[queues["technical"]], password="clave-segura-123")
    for n, text in enumerate(["No tengo señal", "No me llegan los SMS", "No puedo llamar"]):
        intake_receive(Inbound(channel="web", email=f"c{n}@correo.co", name="Cliente", text=text))
    assert Ticket.objects.filter(queue__slug="technical").count() == 3

    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    log_in(page, live_daphne.url + "/agent/", "agente1")
    page.wait_for_selector("#ticket-list tbody tr[data-ticket]")
    page.check("#bulk-all")  # shown by the script, ticks every row
    assert page.locator('#ticket-list input[name="ticket"]:checked').count() == 3
    page.select_option("#bulk-action", "status:closed")
    page.click("[data-testid=bulk-apply]")
    page.wait_for_selector("text=3 tickets actualizados.")
    # Back on the pending list, which closed tickets have left.
    assert page.locator("#ticket-list tbody tr[data-ticket]").count() == 0
    assert Ticket.objects.filter(status=Status.CLOSED).count() == 3
    assert TicketEvent.objects.filter(kind="status_changed", new_value="closed").count() == 3
    context.close()
