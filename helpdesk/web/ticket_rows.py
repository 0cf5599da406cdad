"""The agent console's ticket list as plain rows, built once per page in Python.

The list renders 25 tickets with six labels each. Through the template, every label was a
`get_FOO_display` call (a choices lookup through lazy translation objects), every link a
`{% url %}` reversal and every attribute a template variable resolution on a model instance;
together they were most of the page's time at any database size. Here each label map is built
once per request in the active language and a row is a few dictionary reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db.models import TextChoices
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.timesince import timeuntil

from helpdesk.models import Category, Channel, SlaState, Status, Ticket
from helpdesk.search_marks import Part, excerpt_marked, text_marked

SUBJECT_CHARS = 70


@dataclass(frozen=True, slots=True)
class TicketRow:
    reference: str
    url: str
    channel: str
    subject: str
    subject_parts: tuple[Part, ...]  # the subject, the searched words marked
    hit_parts: tuple[Part, ...]  # where a message matched the search, marked; () if none
    customer: str
    clarification: bool
    needs_triage: bool
    queue: str
    category: str
    status: str
    status_label: str
    sla_due_at: datetime | None
    sla_state: str
    sla_label: str
    sla_left: str
    assignee: str


def _labels(choices: type[TextChoices]) -> dict[str, str]:
    """Value -> label in the active language (labels are lazy: resolved here, once)."""
    return {str(value): str(label) for value, label in choices.choices}


def ticket_rows(
    tickets: Iterable[Ticket],
    now: datetime,
    terms: tuple[str, ...] = (),
    hits: Mapping[int, str] | None = None,
) -> list[TicketRow]:
    """Rows for `helpdesk/agent/home.html`; tickets come with queue, contact and assignee.
    `terms`: the searched words (`Search.terms`), marked in subjects and in `hits` (ticket id
    -> the text of a message that matched, `search_hits_read`)."""
    hits = hits or {}
    channels, categories = _labels(Channel), _labels(Category)
    statuses, sla_states = _labels(Status), _labels(SlaState)
    # References are [A-Z0-9-]: one reversal gives every ticket's link.
    marker = "REF-MARKER"
    url_template = reverse("helpdesk:agent-ticket", args=[marker])
    rows = []
    for ticket in tickets:
        assignee, due = ticket.assignee, ticket.sla_due_at
        subject = Truncator(ticket.subject).chars(SUBJECT_CHARS)
        hit = hits.get(ticket.pk, "")
        rows.append(
            TicketRow(
                reference=ticket.reference,
                url=url_template.replace(marker, ticket.reference),
                channel=channels.get(ticket.channel, ticket.channel),
                subject=subject,
                subject_parts=tuple(text_marked(subject, terms)),
                hit_parts=tuple(excerpt_marked(hit, terms)) if hit else (),
                customer=ticket.contact.name or ticket.contact.email,
                clarification=ticket.clarification,
                needs_triage=ticket.needs_triage,
                queue=ticket.queue.name,
                category=categories.get(ticket.category, ticket.category),
                status=ticket.status,
                status_label=statuses.get(ticket.status, ticket.status),
                sla_due_at=due,
                sla_state=ticket.sla_state,
                sla_label=sla_states.get(ticket.sla_state, ticket.sla_state),
                sla_left=timeuntil(due, now) if due else "",
                assignee=assignee.get_username() if assignee else "",
            )
        )
    return rows
