"""Mailboxes the reader watches, its UID cursors and locks, and the quarantine."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mailin.fields import SealedTextField


class ProcessedAction(models.TextChoices):
    SEEN = "seen", _("Marcar como leído (\\Seen)")
    MOVE = "move", _("Mover a otra carpeta")


class Mailbox(models.Model):
    """An IMAP mailbox customers write to; its mail opens or continues tickets."""

    name = models.CharField(_("nombre"), max_length=100, unique=True)
    url = SealedTextField(
        _("URL"),
        blank=True,
        help_text=_(
            "imap://USUARIO:CLAVE@HOST:PUERTO/CARPETA o imaps:// para TLS; si se "
            "indica, sustituye a los campos de conexión."
        ),
    )
    host = models.CharField(_("servidor"), max_length=200, blank=True)
    port = models.PositiveIntegerField(_("puerto"), default=993)
    username = models.CharField(_("usuario"), max_length=200, blank=True)
    password = SealedTextField(_("contraseña"), blank=True)  # sealed at rest, like the URL
    use_tls = models.BooleanField(_("TLS"), default=True)
    folder = models.CharField(_("carpeta"), max_length=200, default="INBOX")
    default_queue = models.ForeignKey(
        "helpdesk.Queue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("cola por defecto"),
    )
    processed_action = models.CharField(
        _("al procesar"),
        max_length=8,
        choices=ProcessedAction.choices,
        default=ProcessedAction.SEEN,
    )
    processed_folder = models.CharField(
        _("carpeta de procesados"), max_length=200, blank=True, default="Procesados"
    )
    active = models.BooleanField(_("activo"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("buzón")
        verbose_name_plural = _("buzones")

    def __str__(self) -> str:
        return self.name


class MailboxCursor(models.Model):
    """How far the reader got in one folder: UIDs are only comparable within a UIDVALIDITY."""

    key = models.CharField(max_length=400, unique=True)  # user@host:port/folder
    uidvalidity = models.BigIntegerField(default=0)
    last_uid = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cursor de buzón")
        verbose_name_plural = _("cursores de buzón")

    def __str__(self) -> str:
        return f"{self.key} {self.uidvalidity}:{self.last_uid}"


class MailboxLock(models.Model):
    """Database lock so only one reader works a mailbox when there is no Redis."""

    key = models.CharField(max_length=400, unique=True)
    holder = models.CharField(max_length=100, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key} {self.holder}"


class QuarantineKind(models.TextChoices):
    PARSE_ERROR = "parse_error", _("No se pudo leer")
    PROCESSING_ERROR = "processing_error", _("Error al procesar")
    AUTO_REPLY = "auto_reply", _("Respuesta automática (ignorada)")
    LOOP = "loop", _("Correo propio devuelto (bucle)")
    BOUNCE_UNMATCHED = "bounce_unmatched", _("Rebote sin mensaje de origen")


class QuarantinedEmail(models.Model):
    """A message kept raw because it could not be processed, or was deliberately ignored."""

    kind = models.CharField(_("tipo"), max_length=20, choices=QuarantineKind.choices, db_index=True)
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("buzón")
    )
    mailbox_key = models.CharField(max_length=400, blank=True)
    uid = models.BigIntegerField(null=True, blank=True)
    message_id = models.CharField(max_length=255, blank=True, db_index=True)
    sender = models.CharField(_("remitente"), max_length=254, blank=True)
    subject = models.CharField(_("asunto"), max_length=250, blank=True)
    error = models.TextField(_("motivo"), blank=True)
    raw = models.BinaryField(_("mensaje original"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    retried_at = models.DateTimeField(null=True, blank=True)
    resolved = models.BooleanField(_("resuelto"), default=False)
    ticket_reference = models.CharField(max_length=12, blank=True)

    class Meta:
        verbose_name = _("correo en cuarentena")
        verbose_name_plural = _("correos en cuarentena")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject or self.message_id}"
