from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
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
    resolution_message = models.TextField(_("mensaje de cierre"), blank=True)
    update_sent_at = models.DateTimeField(_("aviso de cierre enviado"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("incidente")
        verbose_name_plural = _("incidentes")
        indexes = [models.Index(fields=["ended_at", "starts_at"], name="incident_active")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    def keyword_list(self) -> list[str]:
        return [
            word.strip() for word in self.keywords.replace("\n", ",").split(",") if word.strip()
        ]

    def clean(self) -> None:
        from helpdesk.models import Category

        errors: dict[str, Any] = {}
        areas = self.areas if isinstance(self.areas, list) else None
        if not areas:
            errors["areas"] = _("Indica al menos un área afectada.")
        elif bad := [a for a in areas if a not in Category.values]:
            errors["areas"] = _("Áreas desconocidas: %(areas)s") % {
                "areas": ", ".join(map(str, bad))
            }
        if not isinstance(self.regions, list):
            errors["regions"] = _("Las regiones deben ser una lista.")
        if self.starts_at and self.expected_end_at and self.expected_end_at <= self.starts_at:
            errors["expected_end_at"] = _("El fin estimado debe ser posterior al inicio.")
        if self.starts_at and self.ended_at and self.ended_at < self.starts_at:
            errors["ended_at"] = _("El fin no puede ser anterior al inicio.")
        if errors:
            raise ValidationError(errors)


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

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("El fin debe ser posterior al inicio.")})
