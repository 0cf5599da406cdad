"""Browser test: widget customer and agents in the /agent/ console, on a real daphne."""

from __future__ import annotations

import os
import re

import pytest

from channels_chat.models import Conversation
from helpdesk.models import Message
from tests.chat.conftest import CHAT_ENV, assert_frames_valid, redis_flush
from tests.e2e.login import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.core, pytest.mark.slow]
PASSWORD = "clave-segura-123"


@pytest.fixture
def chat_site(transactional_db, queues):
    from tests.servers import Daphne

    redis_flush()
    with Daphne(extra_env={**CHAT_ENV, "CHAT_LEASE_SECONDS": "20"}) as server:
        yield server
    assert_frames_valid(server)


def snap(page, name):
    if folder := os.environ.get("CHAT_SCREENSHOTS"):
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def agent_page(browser, server, username):
    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    log_in(page, f"{server.url}/login/?next=/agent/", username, PASSWORD)
    page.wait_for_url(re.compile(r".*/agent/$"))
    page.wait_for_selector('#chat-connection[data-state="online"]')
    return page


def test_widget_agent_transfer_and_reload(browser, chat_site, agent, billing_agent):
    server = chat_site
    customer = browser.new_context(locale="es-MX").new_page()
    customer.goto(f"{server.url}/chat/demo/")
    tech = agent_page(browser, server, "agente1")

    customer.click("#hdchat-open")
    customer.fill("#hdchat-name", "Lucía Pérez")
    customer.fill("#hdchat-email", "lucia@example.com")
    customer.fill("#hdchat-topic", "No tengo señal en mi celular desde ayer")
    customer.click("#hdchat-start")
    customer.wait_for_selector("#hdchat-log li[data-seq='1']")
    assert "posición 1" in customer.inner_text("#hdchat-status")
    snap(customer, "1-customer-waiting")

    tech.wait_for_selector(".hda-wait .hda-accept")
    assert "Lucía Pérez" in tech.inner_text("#chat-waiting")
    tech.click(".hda-wait .hda-accept")
    customer.wait_for_function(
        "document.querySelector('#hdchat-status').textContent.includes('Agente1')"
    )
    card = tech.locator(".hda-card").first
    card.locator("li[data-seq='1']").wait_for()

    customer.fill("#hdchat-input", "Ya reinicié el teléfono y nada")
    customer.press("#hdchat-input", "Enter")
    customer.wait_for_selector("#hdchat-log li[data-seq='2'] .hdc-state:has-text('recibido')")
    card.locator("li[data-seq='2']:has-text('Ya reinicié')").wait_for()
    snap(tech, "2-agent-chat")

    card.locator(".hda-input").fill("Gracias, revisemos la configuración de red.")
    card.locator(".hda-input").press("Enter")
    customer.wait_for_selector("#hdchat-log li[data-seq='3']:has-text('configuración de red')")

    # The widget warns before sending something that looks like a secret.
    customer.fill("#hdchat-input", "mi pin es 4321")
    customer.press("#hdchat-input", "Enter")
    customer.wait_for_selector("#hdchat-warning:not([hidden])")
    snap(customer, "3-customer-warning")
    customer.click("#hdchat-warning .hdc-link")
    customer.fill("#hdchat-input", "")

    customer.reload()
    customer.wait_for_selector("#hdchat-log li[data-seq='3']")
    texts = customer.locator("#hdchat-log li .hdc-text").all_inner_texts()
    assert texts == [
        "No tengo señal en mi celular desde ayer",
        "Ya reinicié el teléfono y nada",
        "Gracias, revisemos la configuración de red.",
    ]

    card.locator(".hda-transfer summary").click()
    card.locator(".hda-transfer-queue").select_option("billing")
    card.locator(".hda-transfer-note").fill("Pide revisar un cobro doble")
    card.locator(".hda-transfer-form button").click()
    customer.wait_for_function(
        "document.querySelector('#hdchat-status').textContent.includes('Facturación')"
    )

    billing = agent_page(browser, server, "agente2")
    billing.wait_for_selector(".hda-wait .hda-accept")
    billing.click(".hda-wait .hda-accept")
    bcard = billing.locator(".hda-card").first
    bcard.locator(".hda-internal:has-text('Pide revisar un cobro doble')").wait_for()
    bcard.locator(".hda-input").fill("Hola Lucía, soy de facturación.")
    bcard.locator(".hda-input").press("Enter")
    customer.wait_for_selector("#hdchat-log li:has-text('soy de facturación')")
    assert "Agente2" in customer.inner_text("#hdchat-status")
    snap(customer, "4-customer-billing")
    snap(billing, "5-billing-agent")
    assert "cobro doble" not in customer.inner_text("#hdchat-log")

    conversation = Conversation.objects.select_related("queue").get()
    assert (conversation.queue.slug, conversation.agent_id) == ("billing", billing_agent.pk)
    assert list(
        Message.objects.filter(internal=False).order_by("seq").values_list("author_kind", flat=True)
    ) == ["customer", "customer", "agent", "agent"]
