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

    def clean(self) -> None:
        from helpdesk.sla.clock import CalendarError, calendar_parse

        try:
            calendar_parse(
                timezone=self.timezone,
                always_open=self.always_open,
                hours=self.hours if isinstance(self.hours, dict) else None,
                holidays=self.holidays if isinstance(self.holidays, list) else None,
            )
        except CalendarError as error:
            field = (
                "holidays"
                if "feriado" in str(error)
                else ("timezone" if "zona horaria" in str(error) else "hours")
            )
            raise ValidationError({field: str(error)}) from error
        if not isinstance(self.hours, dict):
            raise ValidationError({"hours": _("El horario debe ser un objeto {día: franjas}.")})
        if not isinstance(self.holidays, list):
            raise ValidationError({"holidays": _("Los feriados deben ser una lista de fechas.")})


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
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
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
    # Selector: only while at least one agent of the ticket's queue is online (live chat).
    agents_online = models.BooleanField(_("solo con agentes en línea"), null=True, blank=True)
    pause_when_waiting = models.BooleanField(_("pausar mientras espera al cliente"), default=True)
    escalate_raise_priority = models.BooleanField(_("al incumplir: subir prioridad"), default=False)
    escalate_to_supervisors = models.BooleanField(
        _("al incumplir: reasignar a supervisores de la cola"), default=False
    )
    updated_at = models.DateTimeField(auto_now=True)

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
        if not 0 < (self.at_risk_ratio or 0) < 1:
            raise ValidationError(
                {"at_risk_ratio": _("El umbral de riesgo debe estar entre 0 y 1 (p. ej. 0,8).")}
            )

    def targets(self) -> dict[str, int]:
        values = {
            "first_response": self.first_response_minutes,
            "next_response": self.next_response_minutes,
            "resolution": self.resolution_minutes,
        }
        return {name: minutes for name, minutes in values.items() if minutes}


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
        indexes = [models.Index(fields=["kind", "at"], name="sla_event_kind_at")]
        verbose_name = _("evento de reloj SLA")
        verbose_name_plural = _("eventos de reloj SLA")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.target}"


class ClockState(models.TextChoices):
    RUNNING = "running", _("En curso")
    PAUSED = "paused", _("En pausa")
    AT_RISK = "at_risk", _("En riesgo")
    BREACHED = "breached", _("Incumplido")
    MET = "met", _("Cumplido")


class TicketClock(models.Model):
    """The live SLA clock of one ticket; its history is in SlaClockEvent.

    `targets` maps a target name to {"started", "minutes", "due", "risk", "state", "met_at"}
    (ISO instants). `due_at`/`risk_at` are the nearest running deadline and at-risk instant,
    NULL while paused or when nothing runs: the watcher's indexed queries read only these.
    `pauses` lists [start, end|null] intervals in which no target ran.
    """

    ticket = models.OneToOneField(
        "helpdesk.Ticket", on_delete=models.CASCADE, related_name="sla_clock", primary_key=True
    )
    policy = models.ForeignKey(SlaPolicy, null=True, blank=True, on_delete=models.SET_NULL)
    state = models.CharField(max_length=10, choices=ClockState.choices, default=ClockState.RUNNING)
    target = models.CharField(max_length=16, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    risk_at = models.DateTimeField(null=True, blank=True)
    targets = models.JSONField(default=dict, blank=True)
    pauses = models.JSONField(default=list, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    pause_reasons = models.JSONField(default=list, blank=True)
    paused_seconds = models.FloatField(default=0)
    breached = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reloj SLA")
        verbose_name_plural = _("relojes SLA")
        indexes = [
            models.Index(
                fields=["due_at"], name="sla_clock_due", condition=models.Q(due_at__isnull=False)
            ),
            models.Index(
                fields=["risk_at"], name="sla_clock_risk", condition=models.Q(risk_at__isnull=False)
            ),
            models.Index(fields=["policy", "state"], name="sla_clock_policy"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.state} {self.target}"


class LeaderLease(models.Model):
    """A named lease held by one process (the SLA watcher without Redis)."""

    name = models.CharField(max_length=64, primary_key=True)
    holder = models.CharField(max_length=100)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("turno de proceso")
        verbose_name_plural = _("turnos de proceso")

    def __str__(self) -> str:
        return f"{self.name} {self.holder}"
