"""Agent console: ticket lists, the ticket page, reply, note and ticket changes."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from helpdesk.models import CannedResponse, Category, Priority, Queue, Status, Ticket
from helpdesk.permissions import can_work_ticket, is_agent, is_supervisor, queue_ids_for
from helpdesk.search import search_parse
from helpdesk.search_filters import search_hits_read
from helpdesk.selectors import TicketFilters, queues_visible, ticket_page, ticket_timeline
from helpdesk.services.bulk import MAX_TICKETS, bulk_action_parse, tickets_bulk_apply
from helpdesk.services.delivery import DeliveryRetryError, message_delivery_retry
from helpdesk.services.queues import queues_ordered
from helpdesk.services.replies import ReplyError, ticket_reply
from helpdesk.services.tickets import (
    TicketChangeError,
    ticket_assign,
    ticket_move,
    ticket_priority_set,
    ticket_status_set,
)
from helpdesk.web.forms import files_validate
from helpdesk.web.ticket_rows import TicketRow, ticket_rows


def agent_required(view: Any) -> Any:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_agent(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _ticket_for(request: HttpRequest, reference: str) -> Ticket:
    ticket = get_object_or_404(
        Ticket.objects.select_related("queue", "contact", "assignee", "incident"),
        reference=reference.upper(),
    )
    if not can_work_ticket(request.user, ticket):
        raise PermissionDenied
    return ticket


def _is_reference(q: str) -> bool:
    return search_parse(q).kind == "reference"


def _rows(tickets: list[Ticket], q: str) -> list[TicketRow]:
    """The page's rows; for a search, its words marked and where a message matched."""
    search = search_parse(q)
    hits = search_hits_read([t.pk for t in tickets], search)
    return ticket_rows(tickets, timezone.now(), terms=search.terms, hits=hits)


@agent_required
def agent_home(request: HttpRequest) -> HttpResponse:
    params = request.GET
    q = params.get("q", "").strip()
    filters = TicketFilters(
        queue=params.get("queue", ""),
        # A search looks through every status unless the agent narrows it.
        status=params.get("status", "" if q else "pending"),
        mine=params.get("mine") == "1",
        unassigned=params.get("unassigned") == "1",
        needs_triage=params.get("triage") == "1",
        oldest_first=params.get("order") == "oldest",
        q=q,
    )
    queue_ids = queue_ids_for(request.user)
    page = ticket_page(request.user, filters, cursor=params.get("cursor"), queue_ids=queue_ids)
    if _is_reference(filters.q) and len(page.tickets) == 1:
        return redirect("helpdesk:agent-ticket", reference=page.tickets[0].reference)
    query = params.copy()
    query.pop("cursor", None)
    return render(
        request,
        "helpdesk/agent/home.html",
        {
            "page": page,
            "rows": _rows(page.tickets, filters.q),
            "filters": filters,
            "queues": queues_visible(request.user, queue_ids),
            "all_queues": queues_ordered(),
            "statuses": Status.choices,
            "query": query.urlencode(),
        },
    )


@agent_required
def agent_ticket(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket_for(request, reference)
    canned = CannedResponse.objects.filter(queue__isnull=True) | CannedResponse.objects.filter(
        queue=ticket.queue
    )
    agents = get_user_model().objects.filter(queues=ticket.queue, is_active=True).distinct()
    return render(
        request,
        "helpdesk/agent/ticket.html",
        {
            "ticket": ticket,
            "messages_list": ticket_timeline(ticket, include_internal=True),
            "events": ticket.events.select_related("actor").order_by("-created_at")[:30],
            "canned": canned.order_by("title"),
            "queues": Queue.objects.all(),
            "agents": agents,
            "statuses": Status.choices,
            "categories": Category.choices,
            "priorities": Priority.choices,
            "is_supervisor": is_supervisor(request.user),
        },
    )


@agent_required
@require_POST
def agent_reply(request: HttpRequest, reference: str) -> HttpResponse:
    ticket = _ticket_for(request, reference)
    try:
        files = files_validate(request.FILES.getlist("attachments"))
        status = request.POST.get("status") or None
        if status and status not in Status.values:
            raise TicketChangeError("invalid_status", _("Estado desconocido."))
        ticket_reply(
            ticket,
            author=request.user,
            text=request.POST.get("text", ""),
            internal=request.POST.get("internal") == "1",
            files=files,
            status=status,
        )
    except (ReplyError, TicketChangeError) as error:
        messages.error(request, str(error))
    except ValidationError as error:  # from the attachments
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Nota guardada.") if request.POST.get("internal") == "1" else _("Respuesta enviada."),
        )
    return redirect("helpdesk:agent-ticket", reference=ticket.reference)


@agent_required
@require_POST
def agent_update(request: HttpRequest, reference: str) -> HttpResponse:
    """Status, assignee, queue/area (a triage correction) and priority changes."""
    ticket = _ticket_for(request, reference)
    post = request.POST
    user = request.user
    try:
        if "status" in post:
            ticket_status_set(ticket, status=post["status"], actor=user)
        if "assignee" in post:
            assignee = None
            if post["assignee"] == "me":
                assignee = user
            elif post["assignee"]:
                assignee = get_object_or_404(
                    get_user_model(), pk=post["assignee"], queues=ticket.queue
                )
            ticket_assign(ticket, assignee=assignee, actor=user)
        if "queue" in post or "category" in post:
            queue = Queue.objects.filter(slug=post.get("queue", "")).first()
            ticket_move(ticket, actor=user, queue=queue, category=post.get("category") or None)
        if "priority" in post:
            priority = int(post["priority"])
            if priority not in Priority.values:
                raise TicketChangeError("invalid_priority", _("Prioridad desconocida."))
            ticket_priority_set(ticket, priority=priority, actor=user)
    except (TicketChangeError, ValueError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Ticket actualizado."))
    ticket.refresh_from_db()
    if not can_work_ticket(user, ticket):  # moved out of this agent's queues
        return redirect("helpdesk:agent-home")
    return redirect("helpdesk:agent-ticket", reference=ticket.reference)


_BULK_ERRORS = {
    "invalid_action": gettext_lazy("Elige qué hacer con los tickets marcados."),
    "invalid_queue": gettext_lazy("Esa cola no existe."),
    "no_tickets": gettext_lazy("Marca al menos un ticket de la lista."),
}


@agent_required
@require_POST
def agent_bulk(request: HttpRequest) -> HttpResponse:
    """One change to the tickets ticked on the list; back to the same list afterwards."""
    references = request.POST.getlist("ticket")
    try:
        result = tickets_bulk_apply(
            request.user, references, bulk_action_parse(request.POST.get("action", ""))
        )
    except TicketChangeError as error:
        if error.code == "too_many":
            notice = _("A lo sumo %(max)s tickets a la vez.") % {"max": MAX_TICKETS}
        else:
            notice = str(_BULK_ERRORS.get(error.code, error))
        messages.error(request, notice)
    else:
        done = ngettext(
            "%(n)s ticket actualizado.", "%(n)s tickets actualizados.", result.changed
        ) % {"n": result.changed}
        if result.unchanged:
            done += " " + ngettext(
                "%(n)s ya estaba así.", "%(n)s ya estaban así.", result.unchanged
            ) % {"n": result.unchanged}
        if result.refused:
            done += " " + ngettext(
                "%(n)s no es de tus colas y no se tocó.",
                "%(n)s no son de tus colas y no se tocaron.",
                result.refused,
            ) % {"n": result.refused}
        messages.success(request, done)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("helpdesk:agent-home")


@agent_required
@require_POST
def agent_message_resend(request: HttpRequest, reference: str, seq: int) -> HttpResponse:
    """Send a failed email reply again (retries ran out, or it bounced)."""
    ticket = _ticket_for(request, reference)
    try:
        message_delivery_retry(ticket, seq, actor=request.user)
    except DeliveryRetryError as error:
        messages.error(request, str(error))
    else:
        notice = _("Reenvío en curso: el mensaje #%(seq)s vuelve a la cola de envío.")
        messages.success(request, notice % {"seq": seq})
    return redirect("helpdesk:agent-ticket", reference=ticket.reference)
