from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Formulario web")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("Correo")
    API = "api", _("API")
    SYSTEM = "system", _("Sistema")


class Status(models.TextChoices):
    NEW = "new", _("Nuevo")
    OPEN = "open", _("Abierto")
    WAITING = "waiting", _("Esperando al cliente")
    RESOLVED = "resolved", _("Resuelto")
    CLOSED = "closed", _("Cerrado")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)


class Priority(models.IntegerChoices):
    LOW = 1, _("Baja")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("Alta")
    URGENT = 4, _("Urgente")


class Category(models.TextChoices):
    """Fault area; the vocabulary of triage, the knowledge base and SLA policies."""

    CONNECTION = "connection", _("Conexión y cobertura")
    DATA = "data", _("Datos móviles")
    SMS = "sms", _("SMS y MMS")
    CALLS = "calls", _("Llamadas y audio")
    DEVICE = "device", _("Configuración del equipo")
    BILLING = "billing", _("Facturación y saldo")
    SALES = "sales", _("Ventas y planes")
    OTHER = "other", _("Otro")


class SlaState(models.TextChoices):
    RUNNING = "running", _("En curso")
    PAUSED = "paused", _("En pausa")
    AT_RISK = "at_risk", _("En riesgo")
    BREACHED = "breached", _("Incumplido")
    MET = "met", _("Cumplido")


class Ticket(models.Model):
    """One customer case and its whole timeline, whatever the channel.

    Written only by the services in `helpdesk.services` (intake, replies, tickets).
    """

    reference = models.CharField(_("referencia"), max_length=12, unique=True)
    subject = models.CharField(_("asunto"), max_length=250, blank=True)
    queue = models.ForeignKey(
        "helpdesk.Queue", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("cola")
    )
    category = models.CharField(
        _("área"), max_length=16, choices=Category.choices, default=Category.OTHER
    )
    channel = models.CharField(_("canal de origen"), max_length=10, choices=Channel.choices)
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("prioridad"), choices=Priority.choices, default=Priority.NORMAL
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
        verbose_name=_("asignado a"),
    )
    contact = models.ForeignKey(
        "helpdesk.Contact", on_delete=models.PROTECT, related_name="tickets"
    )
    clarification = models.BooleanField(_("aclaración de cuenta"), default=False)
    incident = models.ForeignKey(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
        verbose_name=_("incidente"),
    )
    language = models.CharField(max_length=8, default="es")

    # Triage decision, kept for the triage view and for learning from corrections.
    triage_confidence = models.FloatField(default=0.0)
    triage_reasons = models.JSONField(default=list, blank=True)
    needs_triage = models.BooleanField(_("revisar clasificación"), default=False)

    # Sequence counter of the timeline: the next message gets last_seq + 1.
    last_seq = models.PositiveIntegerField(default=0)

    # SLA, denormalised for indexed queries; the clock itself lives in helpdesk.sla.
    sla_policy = models.ForeignKey(
        "sla.SlaPolicy", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sla_due_at = models.DateTimeField(null=True, blank=True)
    sla_state = models.CharField(max_length=10, choices=SlaState.choices, default=SlaState.RUNNING)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    last_agent_message_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        indexes = [
            # Agent lists: keyset pagination newest/oldest first within queue and status.
            models.Index(
                fields=["queue", "status", "created_at", "id"], name="ticket_queue_status"
            ),
            models.Index(fields=["queue", "created_at", "id"], name="ticket_queue_created"),
            models.Index(fields=["assignee", "status", "created_at"], name="ticket_assignee"),
            # SLA watcher: open clocks by deadline.
            models.Index(fields=["sla_state", "sla_due_at"], name="ticket_sla_due"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
