"""Reads used by several views and the API: ticket lists with keyset (cursor) pagination."""

from __future__ import annotations

import base64
import json
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from helpdesk.models import Queue, Ticket
from helpdesk.models.tickets import OPEN_STATUSES
from helpdesk.permissions import queue_ids_for
from helpdesk.planning import planned_each_time
from helpdesk.search import search_parse
from helpdesk.search_filters import search_filter
from helpdesk.services.queues import queues_ordered

PAGE_SIZE = 25


@dataclass(frozen=True)
class TicketFilters:
    queue: str = ""
    status: str = "pending"  # "pending" = new, open or waiting; "" = any; or one status
    mine: bool = False
    unassigned: bool = False
    needs_triage: bool = False
    oldest_first: bool = False
    q: str = ""  # the search box: see helpdesk/search.py


@dataclass(frozen=True)
class TicketPage:
    tickets: list[Ticket]
    next_cursor: str | None


def cursor_encode(ticket: Ticket) -> str:
    raw = json.dumps([ticket.created_at.isoformat(), ticket.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, pk = json.loads(raw)
        return datetime.fromisoformat(created), int(pk)
    except (ValueError, TypeError):
        return None


# `queue_ids` arguments: the caller's `queue_ids_for(user)` when it already has it (one query
# fewer per page); left out, it is read here.
_UNREAD: Any = object()


def queues_visible(user: Any, queue_ids: list[int] | None = _UNREAD) -> list[Queue]:
    """The queues `user` works (every queue for supervisors and admins), in display order."""
    if queue_ids is _UNREAD:
        queue_ids = queue_ids_for(user)
    queues = queues_ordered()
    if queue_ids is None:
        return queues
    mine = set(queue_ids)
    return [queue for queue in queues if queue.pk in mine]


def tickets_visible(user: Any, queue_ids: list[int] | None = _UNREAD) -> QuerySet[Ticket]:
    queryset = Ticket.objects.all()
    if queue_ids is _UNREAD:
        queue_ids = queue_ids_for(user)
    if queue_ids is not None:
        queryset = queryset.filter(queue_id__in=queue_ids)
    return queryset


def ticket_page(
    user: Any,
    filters: TicketFilters,
    cursor: str | None = None,
    size: int = PAGE_SIZE,
    queue_ids: list[int] | None = _UNREAD,
) -> TicketPage:
    """One page of the tickets `user` may see; constant query count, index-backed at any size."""
    queryset = tickets_visible(user, queue_ids).select_related("queue", "contact", "assignee")
    if filters.queue:
        queryset = queryset.filter(queue__slug=filters.queue)
    if filters.status == "pending":
        queryset = queryset.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.mine:
        queryset = queryset.filter(assignee=user)
    if filters.unassigned:
        queryset = queryset.filter(assignee__isnull=True)
    if filters.needs_triage:
        queryset = queryset.filter(needs_triage=True)
    with planned_each_time() if filters.q else nullcontext():  # a search's plan fits its words
        return _page_read(queryset, filters, cursor, size)


def _page_read(
    queryset: QuerySet[Ticket], filters: TicketFilters, cursor: str | None, size: int
) -> TicketPage:
    if filters.q:
        queryset = search_filter(queryset, search_parse(filters.q))
    position = cursor_decode(cursor) if cursor else None
    if position is not None:
        created, pk = position
        # The plain bound (>= / <=) lets the database start an index range scan at the cursor;
        # the OR alone would make it walk from the first row on every page.
        if filters.oldest_first:
            queryset = queryset.filter(created_at__gte=created).filter(
                Q(created_at__gt=created) | Q(created_at=created, pk__gt=pk)
            )
        else:
            queryset = queryset.filter(created_at__lte=created).filter(
                Q(created_at__lt=created) | Q(created_at=created, pk__lt=pk)
            )
    order = ("created_at", "id") if filters.oldest_first else ("-created_at", "-id")
    rows = list(queryset.order_by(*order)[: size + 1])
    next_cursor = cursor_encode(rows[size - 1]) if len(rows) > size else None
    return TicketPage(rows[:size], next_cursor)


def ticket_timeline(ticket: Ticket, *, include_internal: bool) -> QuerySet:
    messages = ticket.messages.select_related("author_user").prefetch_related("attachments")
    if not include_internal:
        messages = messages.filter(internal=False)
    return messages.order_by("seq")
