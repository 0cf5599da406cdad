from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.models.tickets import Channel


class AuthorKind(models.TextChoices):
    CUSTOMER = "customer", _("Cliente")
    AGENT = "agent", _("Agente")
    SYSTEM = "system", _("Sistema")


class DeliveryStatus(models.TextChoices):
    NONE = "", _("No aplica")
    PENDING = "pending", _("Pendiente")
    SENT = "sent", _("Enviado")
    FAILED = "failed", _("Fallido")


class Message(models.Model):
    """One turn of a ticket's timeline, from any channel.

    `seq` is per ticket and gap-free; `client_id` (chat) and `email_message_id` make intake
    idempotent. `text` is always the redacted text.
    """

    ticket = models.ForeignKey("helpdesk.Ticket", on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    author_kind = models.CharField(max_length=10, choices=AuthorKind.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    author_name = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True, help_text=_("HTML saneado, si lo hay"))
    internal = models.BooleanField(_("nota interna"), default=False)
    # Automatic messages (acknowledgements, reminders) never satisfy an SLA.
    automatic = models.BooleanField(default=False)
    redacted = models.BooleanField(default=False)
    client_id = models.CharField(max_length=64, null=True, blank=True)
    email_message_id = models.CharField(max_length=255, null=True, blank=True)
    email_in_reply_to = models.CharField(max_length=255, blank=True)
    email_references = models.TextField(blank=True)
    # Outbound delivery (email): pending until the job has sent it.
    delivery_status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, blank=True, default=DeliveryStatus.NONE
    )
    delivery_error = models.TextField(blank=True)
    delivery_attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["ticket", "seq"]
        verbose_name = _("mensaje")
        verbose_name_plural = _("mensajes")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "seq"], name="message_ticket_seq"),
            models.UniqueConstraint(
                fields=["ticket", "client_id"],
                name="message_ticket_client_id",
                condition=models.Q(client_id__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["email_message_id"],
                name="message_email_message_id",
                condition=models.Q(email_message_id__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}#{self.seq}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    return f"attachments/{instance.message.ticket.reference}/{instance.message.seq}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(
        "helpdesk.Message", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=300)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, blank=True)
    inline = models.BooleanField(default=False)
    # A file we keep but do not offer for download (disallowed type or size).
    quarantined = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("adjunto")
        verbose_name_plural = _("adjuntos")

    def __str__(self) -> str:
        return self.filename


class TicketEvent(models.Model):
    """Audit history: who changed what, when, from what to what.

    Queue and category changes by agents are the training data of triage's learning.
    """

    ticket = models.ForeignKey("helpdesk.Ticket", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    field = models.CharField(max_length=40, blank=True)
    old_value = models.CharField(max_length=255, blank=True)
    new_value = models.CharField(max_length=255, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("evento de ticket")
        verbose_name_plural = _("eventos de ticket")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"
