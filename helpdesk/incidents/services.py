"""Incidents: declaring, linking tickets, closing with an update (placeholder bodies)."""

from __future__ import annotations

from helpdesk.models import Ticket


def incident_link_new_ticket(ticket: Ticket) -> None:
    """Link a just-opened ticket to an active incident whose areas and words match it."""
