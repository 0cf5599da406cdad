from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Severity(models.TextChoices):
    MINOR = "minor", _("Menor")
    MAJOR = "major", _("Mayor")
    CRITICAL = "critical", _("Crítico")


class Incident(models.Model):
    """An outage or degradation declared by a supervisor ("situación del sistema")."""

    title = models.CharField(_("título"), max_length=200)
    message = models.TextField(_("mensaje para clientes"))
    areas = models.JSONField(_("áreas afectadas"), default=list)
    regions = models.JSONField(_("regiones"), default=list, blank=True)
    keywords = models.TextField(_("palabras clave"), blank=True)
    severity = models.CharField(
        _("severidad"), max_length=10, choices=Severity.choices, default=Severity.MAJOR
    )
    pause_sla = models.BooleanField(_("pausar SLA de tickets vinculados"), default=False)
    starts_at = models.DateTimeField(_("inicio"))
    expected_end_at = models.DateTimeField(_("fin estimado"), null=True, blank=True)
    ended_at = models.DateTimeField(_("fin"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("incidente")
        verbose_name_plural = _("incidentes")

    def __str__(self) -> str:
        return self.title


class GeneralMessage(models.Model):
    """The separate "mensaje general" banner of the portal home."""

    text = models.TextField(_("texto"))
    active = models.BooleanField(_("activo"), default=True)
    starts_at = models.DateTimeField(_("desde"), null=True, blank=True)
    ends_at = models.DateTimeField(_("hasta"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mensaje general")
        verbose_name_plural = _("mensajes generales")

    def __str__(self) -> str:
        return self.text[:60]
