"""Chat conversations (one per live chat, each backed by a ticket) and socket leases."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConversationState(models.TextChoices):
    WAITING = "waiting", _("En espera")
    ACTIVE = "active", _("Activa")
    TRANSFERRED = "transferred", _("Transferida")
    ENDED = "ended", _("Terminada")


WAITING_STATES = (ConversationState.WAITING, ConversationState.TRANSFERRED)


class Conversation(models.Model):
    """A live chat. Its messages are the ticket's timeline; this row holds the chat lifecycle.

    Written only by `channels_chat.services`.
    """

    ticket = models.ForeignKey(
        "helpdesk.Ticket", on_delete=models.CASCADE, related_name="chat_conversations"
    )
    queue = models.ForeignKey("helpdesk.Queue", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        _("estado"),
        max_length=12,
        choices=ConversationState.choices,
        default=ConversationState.WAITING,
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chat_conversations",
        verbose_name=_("agente"),
    )
    # The agent the routing currently proposes this waiting chat to.
    offered_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    # A transfer to one named agent: only that agent (or a supervisor) may accept.
    transfer_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # sha256 of the customer's resume token; the token itself is never stored.
    resume_hash = models.CharField(max_length=64, unique=True)
    customer_name = models.CharField(_("nombre"), max_length=200, blank=True)
    customer_email = models.EmailField(_("correo"), blank=True)
    topic = models.CharField(_("tema"), max_length=500, blank=True)
    language = models.CharField(max_length=8, default="es")
    # No agent online or none accepted in time: replies also go by email.
    offline = models.BooleanField(_("sin agentes (correo)"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    waiting_since = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=10, blank=True)

    class Meta:
        verbose_name = _("conversación de chat")
        verbose_name_plural = _("conversaciones de chat")
        indexes = [
            models.Index(fields=["queue", "state", "waiting_since"], name="chat_queue_waiting"),
            models.Index(fields=["agent", "state"], name="chat_agent_state"),
        ]

    def __str__(self) -> str:
        return f"chat {self.pk} ({self.state})"


class SocketLease(models.Model):
    """An open socket, for presence across processes when there is no Redis.

    A lease expires unless its socket refreshes it, so a killed process's sockets vanish.
    """

    key = models.CharField(max_length=64, db_index=True)
    channel = models.CharField(max_length=200, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key} {self.channel}"
