from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.models.tickets import Category, Channel, Priority


class BusinessCalendar(models.Model):
    """When the clock runs: 24/7, or weekday slots in a timezone, minus holidays.

    `hours` maps ISO weekday ("1".."7") to a list of ["HH:MM", "HH:MM"] slots;
    `holidays` is a list of "YYYY-MM-DD" dates.
    """

    name = models.CharField(_("nombre"), max_length=100, unique=True)
    timezone = models.CharField(_("zona horaria"), max_length=64, default="America/Mexico_City")
    always_open = models.BooleanField(_("24/7"), default=True)
    hours = models.JSONField(_("horario"), default=dict, blank=True)
    holidays = models.JSONField(_("feriados"), default=list, blank=True)

    class Meta:
        verbose_name = _("calendario")
        verbose_name_plural = _("calendarios")

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """Targets for the tickets it selects; ordered, first match wins."""

    name = models.CharField(_("nombre"), max_length=120)
    order = models.PositiveSmallIntegerField(_("orden"), default=100)
    active = models.BooleanField(_("activa"), default=True)
    queue = models.ForeignKey(
        "helpdesk.Queue", null=True, blank=True, on_delete=models.CASCADE, verbose_name=_("cola")
    )
    category = models.CharField(_("área"), max_length=16, choices=Category.choices, blank=True)
    clarification = models.BooleanField(_("aclaración de cuenta"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("prioridad"), choices=Priority.choices, null=True, blank=True
    )
    channel = models.CharField(_("canal"), max_length=10, choices=Channel.choices, blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar, null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("calendario"),
    )
    first_response_minutes = models.PositiveIntegerField(
        _("primera respuesta (min)"), null=True, blank=True
    )
    next_response_minutes = models.PositiveIntegerField(
        _("siguiente respuesta (min)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(_("resolución (min)"), null=True, blank=True)
    at_risk_ratio = models.FloatField(_("en riesgo al usar"), default=0.8)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("política de SLA")
        verbose_name_plural = _("políticas de SLA")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not any(
            (self.first_response_minutes, self.next_response_minutes, self.resolution_minutes)
        ):
            raise ValidationError(_("Una política necesita al menos un objetivo."))


class SlaClockEvent(models.Model):
    """Append-only log of a ticket's clock: started, paused, resumed, met, at_risk, breached."""

    ticket = models.ForeignKey(
        "helpdesk.Ticket", on_delete=models.CASCADE, related_name="sla_events"
    )
    kind = models.CharField(max_length=16)
    target = models.CharField(max_length=16, blank=True)  # first_response, next_response, ...
    at = models.DateTimeField(db_index=True)
    due_at = models.DateTimeField(null=True, blank=True)
    policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("evento de reloj SLA")
        verbose_name_plural = _("eventos de reloj SLA")
