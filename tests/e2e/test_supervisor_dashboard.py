"""Browser: the supervisor dashboard updates live and its SVG charts really render;
incident banners show on the help centre and in the chat widget."""

from datetime import timedelta

import pytest
from django.utils import timezone

from helpdesk.incidents.services import general_message_set, incident_declare
from helpdesk.models import Role
from helpdesk.services.intake import Inbound, intake_receive
from helpdesk.services.replies import ticket_reply
from tests.conftest import require_service
from tests.e2e.login import log_in
from tests.e2e.pngcheck import ink_ratio
from tests.factories import user_create
from tests.sla.helpers import policy, watch

pytestmark = [pytest.mark.e2e]
PASSWORD = "clave-segura-123"


def login(browser, server, username):
    context = browser.new_context(locale="es-MX", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    log_in(page, server.url + "/login/", username, PASSWORD)
    page.wait_for_load_state()
    return context, page


def test_dashboard_live_update_and_charts(browser, live_daphne, queues, settings):
    if not settings.REDIS_URL:  # the test process and daphne share events through Redis
        require_service("Redis", "REDIS_URL is not set")
    supervisor = user_create("supervisor1", role=Role.SUPERVISOR, password=PASSWORD)
    agent = user_create("agente1", queues=[queues["technical"], queues["billing"]])
    queues["technical"].supervisors.add(supervisor)
    policy(name="general", first_response_minutes=30)
    # Some history so that every chart has marks: answered and breached tickets.
    for index in range(4):
        result = intake_receive(
            Inbound(
                channel=("web", "email", "chat")[index % 3],
                email=f"c{index}@example.com",
                text=f"No tengo señal en casa, caso {index}",
            )
        )
        if index % 2:
            ticket_reply(result.ticket, author=agent, text="Ya lo revisamos.")
    watch(timezone.now() + timedelta(hours=1))

    context, page = login(browser, live_daphne, "supervisor1")
    page.goto(live_daphne.url + "/supervisor/")
    page.wait_for_selector("#live-status[data-state=live]", timeout=15000)
    page.evaluate("window.__noReload = 'still here'")
    assert page.inner_text("#kpi-breached") == "2"

    fresh = intake_receive(
        Inbound(
            channel="web",
            name="Rosa",
            email="rosa@example.com",
            text="Se me cortan las llamadas desde esta mañana",
        )
    )
    reference = fresh.ticket.reference
    page.wait_for_selector(f"#latest-table tr[data-ticket='{reference}']", timeout=15000)
    assert page.evaluate("window.__noReload") == "still here"
    # The row can come in a snapshot whose queue counts predate it; the next one carries them.
    page.wait_for_function(
        "() => document.querySelector('#kpi-open').textContent === '5'", timeout=15000
    )
    assert page.inner_text("#kpi-open") == "5"

    for chart in (
        "chart-compliance",
        "chart-first-response",
        "chart-channel-area",
        "chart-breaches",
    ):
        figure = page.locator(f"#{chart}")
        marks = figure.locator("svg rect, svg polyline, svg circle").count()
        assert marks >= 2, chart  # the background plus at least one data mark
        box = figure.locator("svg").bounding_box()
        assert box and box["width"] > 200 and box["height"] > 50, chart
        assert "Sin datos" not in figure.inner_text(), chart
        ratio = ink_ratio(figure.locator("svg").screenshot())
        assert 0.01 < ratio < 0.9, (chart, ratio)
    context.close()


@pytest.mark.core
def test_incident_banner_on_help_centre_and_in_widget(browser, live_daphne, queues):
    incident_declare(
        title="Caída de datos móviles en Luque",
        areas=["data"],
        severity="major",
        message="Nuestros técnicos ya trabajan en la antena.",
        expected_end_at=timezone.now() + timedelta(hours=3),
    )
    general_message_set("Hoy de 19:30 a 21:30 las recargas pueden demorar hasta 10 minutos.")
    context = browser.new_context(locale="es-MX")
    page = context.new_page()
    page.goto(live_daphne.url + "/")
    banner = page.locator("[data-banner=incident]")
    assert banner.is_visible()
    assert "Caída de datos móviles en Luque" in banner.inner_text()
    assert "recargas pueden demorar" in page.inner_text("[data-banner=general]")

    if page.locator("#hdchat-open").count() == 0:
        pytest.skip("the chat widget is not on the help centre yet")
    page.click("#hdchat-open")
    page.wait_for_selector("#hdchat-banner:not([hidden])", timeout=10000)
    widget_banner = page.inner_text("#hdchat-banner")
    assert "Caída de datos móviles en Luque" in widget_banner
    assert "recargas pueden demorar" in widget_banner
    context.close()
