"""Public pages: help centre with the contact form, and the signed tracking page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from helpdesk.models import Category, Ticket
from helpdesk.references import tracking_reference, tracking_token
from helpdesk.selectors import ticket_timeline
from helpdesk.services.acknowledgements import ticket_submit
from helpdesk.services.intake import Inbound, IntakeError, intake_receive
from helpdesk.web.forms import ContactForm, CustomerReplyForm


def _limited(request: HttpRequest, group: str, key: str, rate: str) -> bool:
    return is_ratelimited(request, group=group, key=key, rate=rate, method="POST", increment=True)


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "helpdesk/429.html", status=429)


@require_http_methods(["GET", "POST"])
def home(request: HttpRequest) -> HttpResponse:
    """Help centre: banners, knowledge-base search, contact form, chat button."""
    rules = settings.HELPDESK
    if request.method == "POST":
        if _limited(request, "contact-ip", "ip", rules["FORM_RATE_IP"]):
            return _too_many(request)
        form = ContactForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            if is_ratelimited(
                request,
                group="contact-email",
                key=lambda _g, _r: data["email"].lower(),
                rate=rules["FORM_RATE_EMAIL"],
                method="POST",
                increment=True,
            ):
                return _too_many(request)
            try:
                result = ticket_submit(
                    Inbound(
                        channel="web",
                        name=data["name"],
                        email=data["email"],
                        phone=data["phone"],
                        subject=data["subject"],
                        text=data["message"],
                        files=data["attachments"],
                        language=(get_language() or "es")[:2],
                    )
                )
            except IntakeError as error:
                form.add_error("message", str(error))
            else:
                return redirect(
                    "helpdesk:contact-done", token=tracking_token(result.ticket.reference)
                )
    else:
        initial = {"subject": request.GET.get("subject", "")[:200]}
        form = ContactForm(initial=initial)
    area = request.GET.get("area", "")
    return render(
        request,
        "helpdesk/home.html",
        {
            "form": form,
            "area": area if area in Category.values else "",
            "areas": [(c.value, c.label) for c in Category if c.value not in ("other",)],
        },
    )


def _ticket_from_token(token: str) -> Ticket | None:
    reference = tracking_reference(token, settings.HELPDESK["TRACKING_LINK_MAX_AGE_DAYS"])
    if not reference:
        return None
    return Ticket.objects.select_related("queue", "contact").filter(reference=reference).first()


def contact_done(request: HttpRequest, token: str) -> HttpResponse:
    ticket = _ticket_from_token(token)
    if ticket is None:
        return HttpResponseNotFound(render(request, "helpdesk/404.html").content)
    return render(request, "helpdesk/contact_done.html", {"ticket": ticket, "token": token})


@require_http_methods(["GET", "POST"])
def tracking(request: HttpRequest, token: str) -> HttpResponse:
    """The customer's view of their ticket (no login: the signed link is the key)."""
    ticket = _ticket_from_token(token)
    if ticket is None:
        return HttpResponseNotFound(render(request, "helpdesk/404.html").content)
    form = CustomerReplyForm()
    if request.method == "POST":
        if _limited(request, "tracking-reply", "ip", settings.HELPDESK["FORM_RATE_IP"]):
            return _too_many(request)
        form = CustomerReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                intake_receive(
                    Inbound(
                        channel="web",
                        ticket_id=ticket.pk,
                        text=form.cleaned_data["message"],
                        files=form.cleaned_data["attachments"],
                        name=ticket.contact.name,
                        email=ticket.contact.email,
                    )
                )
            except IntakeError as error:
                form.add_error("message", str(error))
            else:
                return redirect("helpdesk:tracking", token=token)
    return render(
        request,
        "helpdesk/tracking.html",
        {
            "ticket": ticket,
            "messages_list": ticket_timeline(ticket, include_internal=False),
            "form": form,
            "token": token,
        },
    )
