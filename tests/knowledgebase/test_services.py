"""Search over the database, visibility, suggestions, feedback, deflections and figures."""

import pytest

from knowledgebase.models import ArticleViewDay, Deflection, Feedback
from knowledgebase.services import (
    article_view_record,
    articles_search,
    deflection_record,
    deflection_submitted,
    feedback_record,
    kb_figures,
    kb_suggest,
)

pytestmark = [pytest.mark.core, pytest.mark.django_db]


def slugs(hits):
    return [h.doc.slug for h in hits]


def test_public_search_hides_internal_and_drafts_agents_see_internal(make_article):
    make_article("Sin señal en la colonia", slug="publico")
    make_article("Sin señal: cómo escalar", slug="interno", visibility="internal")
    make_article("Sin señal borrador", slug="borrador", status="draft")
    assert slugs(articles_search("señal")) == ["publico"]
    assert set(slugs(articles_search("señal", internal=True))) == {"publico", "interno"}
    assert "borrador" not in slugs(articles_search("borrador", internal=True))


def test_index_follows_changes_in_the_same_process(make_article):
    article = make_article("Factura duplicada", area="billing", slug="factura-dup")
    assert slugs(articles_search("factura")) == ["factura-dup"]
    article.status = "draft"
    article.save()
    assert articles_search("factura") == []


def test_search_filters_by_area_and_prefers_language(kb_content):
    hits = articles_search("recarga", area="billing")
    assert hits and all(h.doc.area == "billing" for h in hits)
    english = articles_search("no tengo señal", language="en", limit=1)
    assert english[0].doc.slug == "no-signal"


def test_kb_suggest_returns_json_ready_dicts_and_nothing_for_unrelated_text(kb_content):
    found = kb_suggest("hola, mi celular no agarra señal desde ayer en la casa")
    assert found and found[0]["category"] == "connection"
    assert set(found[0]) >= {"slug", "title", "category", "score", "url", "summary"}
    assert found[0]["url"] == f"/kb/{found[0]['slug']}/"
    assert len(kb_suggest("la recarga no llega", limit=2)) == 2
    assert kb_suggest("") == []
    assert kb_suggest("xyzzy plugh") == []
    assert all(not s["internal"] for s in kb_suggest("clasificar falla de recarga origen"))


def test_feedback_one_answer_per_visitor_and_comment_bounded(make_article):
    article = make_article("Sin señal")
    feedback_record(article, helpful=False, comment="no", session_key="s1")
    feedback_record(article, helpful=True, comment="x" * 5000, session_key="s1")
    feedback_record(article, helpful=True, session_key="")
    assert Feedback.objects.count() == 2
    mine = Feedback.objects.get(session_key="s1")
    assert mine.helpful is True and len(mine.comment) == 1000


def test_deflections_are_idempotent_and_cancelled_by_a_submitted_form(make_article):
    article = make_article("Sin señal")
    other = make_article("Sin datos", area="data")
    _, created = deflection_record(token="tok-12345", article=article, source="form")
    _, again = deflection_record(token="tok-12345", article=article, source="form")
    deflection_record(token="tok-99999", article=other, source="bogus")
    assert (created, again) == (True, False)
    assert Deflection.objects.count() == 2
    assert Deflection.objects.get(article=other).source == "form"
    assert deflection_submitted("tok-12345") == 1
    figures = kb_figures()
    by_area = {a["category"]: a for a in figures["areas"]}
    assert by_area["connection"]["deflections"] == 0
    assert by_area["data"]["deflections"] == 1


def test_figures_per_article_and_area(make_article):
    article = make_article("Sin señal", slug="a1")
    make_article("Factura", area="billing", slug="b1")
    article_view_record(article)
    article_view_record(article)
    feedback_record(article, helpful=True)
    feedback_record(article, helpful=True)
    feedback_record(article, helpful=False)
    assert ArticleViewDay.objects.get(article=article).views == 2
    figures = kb_figures()
    row = next(r for r in figures["articles"] if r["slug"] == "a1")
    assert (row["views"], row["helpful"], row["not_helpful"], row["helpful_pct"]) == (2, 2, 1, 66.7)
    areas = {a["category"]: a for a in figures["areas"]}
    assert areas["connection"]["views"] == 2 and areas["billing"]["helpful_pct"] is None
    assert figures["totals"]["views"] == 2 and figures["articles"][0]["slug"] == "a1"


def test_changes_made_by_another_process_are_noticed_through_the_stamp(make_article):
    from django.utils import timezone

    from knowledgebase.models import Article
    from knowledgebase.services import index as index_module

    make_article("Factura vencida", area="billing", slug="factura-vencida")
    assert slugs(articles_search("factura")) == ["factura-vencida"]
    # A queryset update skips save(): this is what another web process looks like from here.
    Article.objects.filter(slug="factura-vencida").update(status="draft", updated_at=timezone.now())
    assert slugs(articles_search("factura")) == ["factura-vencida"]  # still cached
    index_module._state.checked = 0.0  # the recheck interval has passed
    assert articles_search("factura") == []
