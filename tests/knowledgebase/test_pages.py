"""Help centre pages, the feedback form, figures for supervisors, agent suggestions."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from helpdesk.models import Message
from knowledgebase.models import ArticleViewDay, Feedback
from tests.factories import user_create

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def test_index_lists_every_area_with_search_box(client, kb_content):
    page = client.get("/kb/").content.decode()
    for area in ("connection", "data", "sms", "calls", "device", "billing"):
        assert f'href="/kb/{area}/"' in page
    assert 'action="/kb/buscar/"' in page
    assert "Interno" not in page


def test_area_page_groups_sections(client, kb_content):
    page = client.get("/kb/billing/").content.decode()
    assert "Recargas" in page and "Facturas y pagos" in page
    assert "/kb/pagar-factura/" in page and "/kb/no-signal/" not in page


def test_article_page_has_steps_feedback_related_and_prefilled_contact(client, kb_content):
    response = client.get("/kb/recarga-no-aparece/")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="kb-steps"' in page and "10 minutos" in page
    assert "¿Te sirvió?" in page
    assert "/kb/recarga-error-pero-llego/" in page  # related
    assert 'href="/kb/top-up-not-showing/"' in page  # translation
    assert "/?area=billing&amp;subject=Hice+una+recarga" in page
    assert ArticleViewDay.objects.get(article__slug="recarga-no-aparece").views == 1


def test_internal_and_unknown_articles_are_404_for_the_public(client, kb_content, agent):
    assert client.get("/kb/interno-escalar-falla-red/").status_code == 404
    assert client.get("/kb/no-existe/").status_code == 404
    client.force_login(agent)
    assert client.get("/kb/interno-escalar-falla-red/").status_code == 200


def test_feedback_form_records_answer_and_rejects_bad_input(client, kb_content):
    url = reverse("kb:feedback", args=["sin-senal"])
    response = client.post(url, {"helpful": "no", "comment": "Sigo sin señal en el centro"})
    assert response.status_code == 302 and response["Location"].endswith("?gracias=1#feedback")
    assert Feedback.objects.get().comment == "Sigo sin señal en el centro"
    assert client.post(url, {"helpful": "quizás"}).status_code == 400
    assert client.post(url, {"helpful": "yes", "comment": "x" * 1001}).status_code == 400
    assert (
        client.post(reverse("kb:feedback", args=["no-existe"]), {"helpful": "yes"}).status_code
        == 404
    )
    assert Feedback.objects.count() == 1


def test_feedback_flood_gets_429(client, kb_content, settings):
    settings.KB_FEEDBACK_RATE = "10/h"
    url = reverse("kb:feedback", args=["sin-senal"])
    codes = [client.post(url, {"helpful": "yes"}).status_code for _ in range(11)]
    assert codes[:10] == [302] * 10 and codes[10] == 429
    assert Feedback.objects.count() == 1  # one session, one answer


def test_search_page_results_empty_and_errors(client, kb_content):
    page = client.get("/kb/buscar/", {"q": "se me acaban los megas"}).content.decode()
    assert "/kb/megas-se-acaban-rapido/" in page
    none = client.get("/kb/buscar/", {"q": "xyzzy plugh"})
    assert none.status_code == 200 and 'id="kb-no-results"' in none.content.decode()
    assert client.get("/kb/buscar/", {"q": ""}).status_code == 400
    huge = client.get("/kb/buscar/", {"q": "a" * 10_240})
    assert huge.status_code == 400 and "demasiado larga" in huge.content.decode()
    html = client.get("/kb/buscar/", {"q": "<b>señal</b>"}).content.decode()
    assert "<b>señal</b>" not in html and "&lt;b&gt;señal&lt;/b&gt;" in html


def test_figures_page_is_for_supervisors_only(client, kb_content, agent, supervisor):
    assert client.get("/kb/figures/").status_code == 302
    client.force_login(agent)
    assert client.get("/kb/figures/").status_code == 403
    client.force_login(supervisor)
    page = client.get("/kb/figures/")
    assert page.status_code == 200 and 'id="kb-figures-areas"' in page.content.decode()


def test_agent_suggestions_tag_offers_insertable_steps(kb_content, queues):
    from helpdesk.services.intake import Inbound, intake_receive

    result = intake_receive(
        Inbound(
            channel="web",
            name="Ana",
            email="ana@example.com",
            subject="Recarga",
            text="Hice una recarga hace rato y no me aparece el saldo",
        )
    )
    ticket = result.ticket
    assert Message.objects.filter(ticket=ticket).exists()
    html = Template("{% load kb_tags %}{% kb_agent_suggestions ticket %}").render(
        Context({"ticket": ticket})
    )
    assert 'id="kb-agent-suggestions"' in html and 'data-target="reply-text"' in html
    assert "/kb/recarga-no-aparece/" in html
    assert "data-kb-insert" in html and "1. Espera al menos 10 minutos" in html
    assert "knowledgebase/agent.js" in html


def test_non_agent_user_does_not_see_internal(client, kb_content, db):
    from django.contrib.auth import get_user_model

    customer = get_user_model().objects.create_user("cliente", password="x" * 12)
    client.force_login(customer)
    assert client.get("/kb/interno-escalar-falla-red/").status_code == 404
    assert user_create("agente9") is not None


def test_english_visitors_get_the_english_versions(client, kb_content, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/kb/").content.decode()
    assert "/kb/no-signal/" in page and "/kb/sin-senal/" not in page
    found = client.get("/api/v1/kb/search/", {"q": "slow internet", "lang": "en"}).json()
    assert found["results"][0]["slug"] == "slow-mobile-internet"


def test_area_without_articles_offers_contact(client, kb_content):
    response = client.get("/kb/sales/")
    assert response.status_code == 200
    assert "/?area=sales#contact" in response.content.decode()
    assert client.get("/kb/other/").status_code == 404
