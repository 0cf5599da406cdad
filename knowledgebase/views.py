"""Help centre pages: browse by area, search, read an article, say whether it helped."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from helpdesk.models import Category
from helpdesk.permissions import is_supervisor
from knowledgebase.access import articles_visible, viewer_is_agent
from knowledgebase.forms import FeedbackForm, SearchForm
from knowledgebase.limits import rate_exceeded
from knowledgebase.models import Article, Origin
from knowledgebase.selectors import (
    areas_overview,
    article_related,
    article_translation,
    language_active,
)
from knowledgebase.services import (
    article_view_record,
    articles_search,
    feedback_record,
    hit_as_dict,
    kb_figures,
)
from knowledgebase.services.render import markdown_inline, markdown_render


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "helpdesk/429.html", status=429)


@require_GET
def kb_index(request: HttpRequest) -> HttpResponse:
    language = language_active()
    return render(
        request,
        "knowledgebase/index.html",
        {"areas": areas_overview(request.user, language), "form": SearchForm()},
    )


@require_GET
def kb_area(request: HttpRequest, area: str) -> HttpResponse:
    language = language_active()
    areas = areas_overview(request.user, language, area=area)
    return render(
        request,
        "knowledgebase/area.html",
        {
            "area": area,
            "label": Category(area).label,
            "sections": areas[0]["sections"] if areas else [],
            "form": SearchForm(),
        },
    )


@require_GET
def kb_search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results: list[dict] = []
    searched = False
    if form.is_bound and form.is_valid():
        if rate_exceeded(request, "search"):
            return _too_many(request)
        searched = True
        hits = articles_search(
            form.cleaned_data["q"],
            limit=20,
            internal=viewer_is_agent(request.user),
            language=language_active(),
            area=form.cleaned_data.get("area") or None,
        )
        results = [hit_as_dict(h, details=True) for h in hits]
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "knowledgebase/search.html",
        {"form": form, "results": results, "searched": searched},
        status=status,
    )


def _article_for(request: HttpRequest, slug: str) -> Article:
    article = articles_visible(request.user).filter(slug=slug).first()
    if article is None and request.user.is_staff:
        # Staff may preview drafts before publishing them.
        article = Article.objects.filter(slug=slug).select_related("section").first()
    if article is None:
        raise Http404(_("No encontramos ese artículo."))
    return article


@require_GET
def kb_article(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_for(request, slug)
    language = language_active()
    if article.is_public:
        article_view_record(article)
    contact_url = (
        reverse("helpdesk:home")
        + "?"
        + urlencode({"area": article.area, "subject": article.title[:200]})
        + "#contact"
    )
    causes = [
        {"origin": Origin(c.origin).label, "code": c.origin, "html": markdown_inline(c.text)}
        for c in article.causes.all()
    ]
    steps = [markdown_inline(s.text) for s in article.steps.all()]
    return render(
        request,
        "knowledgebase/article.html",
        {
            "article": article,
            "area_label": Category(article.area).label,
            "section_name": article.section.name(language),
            "symptoms": article.symptom_list(),
            "causes": causes,
            "steps": steps,
            "contact_html": markdown_render(article.contact_support),
            "body_html": markdown_render(article.body),
            "related": article_related(article, request.user, language),
            "translation": article_translation(article, request.user),
            "contact_url": contact_url,
            "feedback_form": FeedbackForm(),
            "thanks": request.GET.get("gracias") == "1",
        },
    )


@require_POST
def kb_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    article = _article_for(request, slug)
    if rate_exceeded(request, "feedback"):
        return _too_many(request)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "knowledgebase/feedback_error.html",
            {"article": article, "form": form},
            status=400,
        )
    if not request.session.session_key:
        request.session.save()
    feedback_record(
        article,
        helpful=form.cleaned_data["helpful"] == "yes",
        comment=form.cleaned_data["comment"],
        session_key=request.session.session_key or "",
    )
    return HttpResponseRedirect(article.get_absolute_url() + "?gracias=1#feedback")


@require_GET
def kb_figures_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not (request.user.is_staff or is_supervisor(request.user)):
        return render(request, "knowledgebase/forbidden.html", status=403)
    return render(request, "knowledgebase/figures.html", {"figures": kb_figures()})
