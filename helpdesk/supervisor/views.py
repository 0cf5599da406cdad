"""Supervisor pages: live dashboard, reports with streamed CSV, team, incidents."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from helpdesk.incidents.models import Incident
from helpdesk.incidents.selectors import general_active, incidents_active
from helpdesk.incidents.services import (
    IncidentError,
    general_message_set,
    incident_close,
    incident_declare,
)
from helpdesk.models import AgentProfile, Queue
from helpdesk.permissions import is_supervisor
from helpdesk.supervisor.forms import (
    GeneralMessageForm,
    IncidentCloseForm,
    IncidentForm,
    ReportForm,
    TeamForm,
)
from helpdesk.supervisor.reports import REPORTS, ReportFilters, report_rows
from helpdesk.supervisor.selectors import dashboard_snapshot
from helpdesk.supervisor.services import TeamError, agent_team_set
from helpdesk.supervisor.stats import dashboard_charts

PREVIEW_ROWS = 100


def supervisor_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_supervisor(request.user):
            return HttpResponseForbidden(_("Solo para supervisores."))
        return view(request, *args, **kwargs)

    return wrapper


@supervisor_required
def dashboard(request: HttpRequest) -> HttpResponse:
    charts = {name: mark_safe(svg) for name, svg in dashboard_charts().items()}  # noqa: S308
    return render(
        request, "supervisor/dashboard.html", {"snapshot": dashboard_snapshot(), "charts": charts}
    )


def _filters(form: ReportForm) -> ReportFilters:
    data = form.cleaned_data
    return ReportFilters(
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
        queue=data.get("queue") or "",
        agent=(data.get("agent") or "").strip(),
        channel=data.get("channel") or "",
        policy=int(data["policy"]) if data.get("policy") else None,
        sla_state=data.get("sla_state") or "",
        open_only=bool(data.get("open_only")),
    )


@supervisor_required
def reports(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.GET or None)
    header: list[str] = []
    rows: list[list[Any]] = []
    table = "tickets"
    if form.is_bound and form.is_valid():
        table = form.cleaned_data.get("table") or "tickets"
        header, iterator = report_rows(table, _filters(form))
        for row in iterator:
            rows.append(row)
            if len(rows) >= PREVIEW_ROWS:
                break
    return render(
        request,
        "supervisor/reports.html",
        {
            "form": form,
            "header": header,
            "rows": rows,
            "table": table,
            "title": REPORTS[table][0],
            "preview_rows": PREVIEW_ROWS,
            "query": request.GET.urlencode(),
        },
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


@supervisor_required
def report_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The whole filtered table as CSV, streamed row by row (no row cap, constant memory)."""
    form = ReportForm(request.GET)
    if not form.is_valid():
        return HttpResponse(form.errors.as_json(), status=400, content_type="application/json")
    table = form.cleaned_data.get("table") or "tickets"
    header, rows = report_rows(table, _filters(form))
    writer = csv.writer(_Echo())

    def stream() -> Iterator[str]:
        yield "\ufeff"  # so spreadsheet programs read the accents right
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{table}-{stamp}.csv"'
    return response


@supervisor_required
def team(request: HttpRequest) -> HttpResponse:
    profiles = (
        AgentProfile.objects.select_related("user")
        .prefetch_related("user__queues")
        .filter(user__is_active=True)
        .order_by("user__username")
    )
    rows = []
    for profile in profiles:
        member_of = [q.slug for q in profile.user.queues.all()]
        rows.append(
            {
                "profile": profile,
                "form": TeamForm(
                    initial={"capacity": profile.chat_capacity, "queues": member_of},
                    prefix=f"u{profile.user_id}",
                ),
            }
        )
    return render(request, "supervisor/team.html", {"rows": rows, "queues": Queue.objects.all()})


@supervisor_required
@require_POST
def team_update(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=user_id, agent_profile__isnull=False)
    form = TeamForm(request.POST, prefix=f"u{user_id}")
    if not form.is_valid():
        messages.error(request, _("Datos no válidos: %(e)s") % {"e": form.errors.as_text()})
        return redirect("supervisor:team")
    try:
        agent_team_set(
            user,
            capacity=form.cleaned_data["capacity"],
            queue_slugs=form.cleaned_data["queues"],
            actor=request.user,
        )
    except TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Equipo actualizado: %(u)s") % {"u": user.get_username()})
    return redirect("supervisor:team")


@supervisor_required
def incidents(request: HttpRequest) -> HttpResponse:
    form = IncidentForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident_declare(
                title=data["title"],
                message=data["message"],
                areas=data["areas"],
                regions=data["regions"],
                keywords=data["keywords"],
                severity=data["severity"],
                starts_at=data.get("starts_at"),
                expected_end_at=data.get("expected_end_at"),
                pause_sla=data["pause_sla"],
                actor=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Incidente publicado."))
            return redirect("supervisor:incidents")
    recent = Incident.objects.filter(ended_at__isnull=False).order_by("-ended_at")[:10]
    general = general_active()
    return render(
        request,
        "supervisor/incidents.html",
        {
            "form": form,
            "active": incidents_active(),
            "recent": recent,
            "close_form": IncidentCloseForm(),
            "general_form": GeneralMessageForm(initial={"text": general.text if general else ""}),
        },
    )


@supervisor_required
@require_POST
def incident_close_view(request: HttpRequest, incident_id: int) -> HttpResponse:
    incident = get_object_or_404(Incident, pk=incident_id)
    form = IncidentCloseForm(request.POST)
    if form.is_valid():
        try:
            incident_close(
                incident,
                actor=request.user,
                notify=form.cleaned_data["notify"],
                text=form.cleaned_data["text"],
            )
        except IncidentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Incidente cerrado."))
    return redirect("supervisor:incidents")


@supervisor_required
@require_POST
def general_message(request: HttpRequest) -> HttpResponse:
    form = GeneralMessageForm(request.POST)
    if form.is_valid():
        general_message_set(form.cleaned_data["text"])
        messages.success(request, _("Mensaje general actualizado."))
    return redirect("supervisor:incidents")
