"""Core domain of the helpdesk: contacts, queues, tickets and their one timeline."""

from helpdesk.models.agents import AgentProfile, CannedResponse, Role
from helpdesk.models.contacts import Contact
from helpdesk.models.queues import Queue
from helpdesk.models.tickets import (
    Category,
    Channel,
    Priority,
    SlaState,
    Status,
    Ticket,
)
from helpdesk.models.timeline import (
    Attachment,
    AuthorKind,
    DeliveryStatus,
    Message,
    TicketEvent,
)

__all__ = [
    "AgentProfile",
    "Attachment",
    "AuthorKind",
    "CannedResponse",
    "Category",
    "Channel",
    "Contact",
    "DeliveryStatus",
    "Message",
    "Priority",
    "Queue",
    "Role",
    "SlaState",
    "Status",
    "Ticket",
    "TicketEvent",
]
