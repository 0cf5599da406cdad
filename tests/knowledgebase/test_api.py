"""`/api/v1/kb/`: search, deflections and feedback; bad input and floods."""

import json

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from knowledgebase.models import Article, Deflection, Feedback

pytestmark = [pytest.mark.core, pytest.mark.django_db]

SEARCH = "/api/v1/kb/search/"
DEFLECT = "/api/v1/kb/deflections/"


def test_search_returns_ranked_results_with_details(client, kb_content):
    response = client.get(SEARCH, {"q": "no me llegan los mensajes", "limit": 3})
    assert response.status_code == 200
    data = response.json()
    assert data["query"] == "no me llegan los mensajes" and data["count"] == 3
    first = data["results"][0]
    assert first["category"] == "sms"
    assert set(first) == {
        "slug",
        "title",
        "category",
        "score",
        "url",
        "summary",
        "language",
        "category_label",
        "internal",
    }
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)


def test_agents_see_internal_articles_anonymous_do_not(client, kb_content, agent):
    query = {"q": "clasificar falla de recarga por origen procedimiento interno"}
    anonymous = [r["slug"] for r in client.get(SEARCH, query).json()["results"]]
    assert "interno-clasificar-falla-recarga" not in anonymous
    token = Token.objects.create(user=agent)
    as_agent = client.get(SEARCH, query, HTTP_AUTHORIZATION=f"Token {token.key}").json()
    assert as_agent["results"][0]["slug"] == "interno-clasificar-falla-recarga"
    assert as_agent["results"][0]["internal"] is True


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 10_240}, "q"),
        ({"q": "señal", "limit": "0"}, "limit"),
        ({"q": "señal", "limit": "abc"}, "limit"),
        ({"q": "señal", "lang": "fr"}, "lang"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_bad_search_input_gives_a_clear_400(client, params, field):
    response = client.get(SEARCH, params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize(
    "query",
    ["'; DROP TABLE knowledgebase_article; --", "<script>alert('x')</script>", "%' OR '1'='1"],
)
def test_sql_and_html_in_queries_are_just_text(client, kb_content, query):
    before = Article.objects.count()
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"  # echoed as data, never as HTML
    assert response.json()["query"] == query
    assert Article.objects.count() == before


def test_search_flood_is_rate_limited(client, kb_content, settings):
    # Hourly windows: a burst never straddles a window boundary the way a minute can.
    settings.KB_SEARCH_RATE = "20/h"
    codes = [client.get(SEARCH, {"q": "señal"}).status_code for _ in range(22)]
    assert codes[:20] == [200] * 20 and codes[20:] == [429, 429]


def test_deflection_beacon_without_csrf_and_cancel_on_submit(kb_content):
    client = Client(enforce_csrf_checks=True)
    body = {
        "token": "abcdef123456",
        "article": "sin-senal",
        "source": "form",
        "query": "no tengo señal",
    }
    first = client.post(DEFLECT, json.dumps(body), content_type="application/json")
    again = client.post(DEFLECT, json.dumps(body), content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    deflection = Deflection.objects.get()
    assert deflection.article.slug == "sin-senal" and not deflection.submitted_anyway
    done = client.post(
        DEFLECT,
        json.dumps({"token": "abcdef123456", "action": "submitted"}),
        content_type="application/json",
    )
    assert done.json() == {"updated": 1}
    deflection.refresh_from_db()
    assert deflection.submitted_anyway


@pytest.mark.parametrize(
    "body",
    [
        {"token": "short", "article": "sin-senal"},
        {"token": "abcdef123456", "article": "nope"},
        {"token": "abcdef123456"},
        {"token": "abc def 123456", "article": "sin-senal"},
        {"token": "abcdef123456", "article": "interno-escalar-falla-red"},
    ],
)
def test_bad_deflections_write_nothing(client, kb_content, body):
    response = client.post(DEFLECT, json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert not Deflection.objects.exists()


def test_deflection_flood_is_rate_limited(client, kb_content, settings):
    settings.KB_DEFLECTION_RATE = "30/h"
    codes = []
    for n in range(31):
        body = {"token": f"token-{n:08d}", "article": "sin-senal"}
        codes.append(
            client.post(DEFLECT, json.dumps(body), content_type="application/json").status_code
        )
    assert codes[:30] == [201] * 30 and codes[30] == 429
    assert Deflection.objects.count() == 30


def test_feedback_api_and_its_limits(client, kb_content, settings):
    settings.KB_FEEDBACK_RATE = "10/h"
    url = "/api/v1/kb/articles/sin-senal/feedback/"
    ok = client.post(
        url, {"helpful": True, "comment": "Me sirvió"}, content_type="application/json"
    )
    assert ok.status_code == 201
    assert (
        client.post(
            "/api/v1/kb/articles/no-existe/feedback/",
            {"helpful": True},
            content_type="application/json",
        ).status_code
        == 404
    )
    bad = client.post(
        url, {"helpful": "tal vez", "comment": "x" * 2000}, content_type="application/json"
    )
    assert bad.status_code == 400 and {"helpful", "comment"} <= set(bad.json()["errors"])
    codes = [
        client.post(url, {"helpful": False}, content_type="application/json").status_code
        for _ in range(10)
    ]
    assert codes == [201] * 7 + [429] * 3  # 10 per hour, 3 used above
    assert Feedback.objects.count() == 8
