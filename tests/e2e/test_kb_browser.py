"""Browser: browse and search the knowledge base, live suggestions in the contact form, and an
agent inserting an article into a reply."""

import io
import time

import pytest

from helpdesk.services.intake import Inbound, intake_receive
from knowledgebase.models import Deflection, Feedback
from knowledgebase.seed import seed
from tests.e2e.login import log_in
from tests.factories import user_create

pytestmark = [pytest.mark.e2e, pytest.mark.core]


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_browse_search_read_and_rate_an_article(browser, live_daphne):
    seed(io.StringIO())
    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    page.goto(live_daphne.url + "/kb/")
    assert page.locator("#area-connection h2").inner_text().startswith("Conexión y cobertura")
    page.click("#area-billing h2 a")
    assert page.locator("h1").inner_text() == "Facturación y saldo"
    page.fill("#kb-q", "se me acaban los megas bien rapido")
    page.press("#kb-q", "Enter")
    page.wait_for_selector(".kb-results li a")
    first = page.locator(".kb-results li a").first
    assert first.inner_text() == "Mis megas se acaban muy rápido"
    first.click()
    assert page.locator("h1").inner_text() == "Mis megas se acaban muy rápido"
    assert page.locator("#kb-steps li").count() >= 5
    contact = page.get_attribute("#kb-contact-link", "href")
    assert contact.startswith("/?area=data&subject=")
    page.check("input[name=helpful][value=yes]")
    page.fill("#kb-comment", "Me sirvió lo del respaldo de fotos")
    page.click("#feedback button[type=submit]")
    page.wait_for_selector("#feedback .notice.ok")
    assert Feedback.objects.get().comment == "Me sirvió lo del respaldo de fotos"
    context.close()


def test_contact_form_suggests_articles_while_typing(browser, live_daphne):
    seed(io.StringIO())
    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    page.goto(live_daphne.url + "/")
    assert page.locator("#kb-suggestions .kb-suggestion").count() == 0
    page.type("#id_message", "hice una recarga y no me aparece el saldo", delay=15)
    page.wait_for_selector("#kb-suggestions .kb-suggestion")
    titles = page.locator("#kb-suggestions .kb-suggestion a").all_inner_texts()
    assert "Hice una recarga y no aparece el saldo" in titles
    item = page.locator("#kb-suggestions .kb-suggestion[data-slug=recarga-no-aparece]")
    item.locator("button.kb-solved").click()
    page.wait_for_selector(".kb-solved-note")
    assert wait_for(lambda: Deflection.objects.filter(article__slug="recarga-no-aparece").exists())
    deflection = Deflection.objects.get()
    assert deflection.source == "form" and not deflection.submitted_anyway
    context.close()


def test_agent_inserts_article_steps_into_a_reply(browser, live_daphne, queues):
    seed(io.StringIO())
    user_create("agente2", queues=[queues["billing"]], password="clave-segura-123")
    ticket = intake_receive(
        Inbound(
            channel="web",
            name="Luis",
            email="luis@example.com",
            text="Recargué 100 pesos y no me llega el saldo",
        )
    ).ticket
    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    log_in(page, live_daphne.url + f"/agent/tickets/{ticket.reference}/", "agente2")
    page.wait_for_selector("#kb-agent-suggestions")
    item = page.locator("#kb-agent-suggestions .kb-agent-item[data-slug=recarga-no-aparece]")
    item.locator("button[data-kb-insert]").first.click()
    text = page.input_value("#reply-text")
    assert text.startswith("Hice una recarga y no aparece el saldo")
    assert "1. Espera al menos 10 minutos" in text and "/kb/recarga-no-aparece/" in text
    context.close()
