from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.models.tickets import Category

QUEUE_CHOICES = [("technical", _("Técnica")), ("billing", _("Facturación")), ("sales", _("Ventas"))]


class TriageRule(models.Model):
    """A readable rule supervisors edit in the admin: words that point to a queue and area."""

    name = models.CharField(_("nombre"), max_length=120)
    keywords = models.TextField(
        _("palabras clave"),
        help_text=_("Una palabra o frase por línea; se comparan sin acentos y por raíz."),
    )
    queue = models.CharField(_("cola"), max_length=16, choices=QUEUE_CHOICES, blank=True)
    category = models.CharField(_("área"), max_length=16, choices=Category.choices, blank=True)
    clarification = models.BooleanField(_("marca aclaración de cuenta"), default=False)
    weight = models.FloatField(
        _("peso"), default=1.0, help_text=_("1 equivale a una palabra clave fuerte del léxico.")
    )
    active = models.BooleanField(_("activa"), default=True)
    notes = models.TextField(_("notas"), blank=True)
    updated_at = models.DateTimeField(_("modificada"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("regla de clasificación")
        verbose_name_plural = _("reglas de clasificación")

    def __str__(self) -> str:
        return self.name

    def keyword_lines(self) -> tuple[str, ...]:
        """The keywords, one per non-empty line, without comments (`# ...`)."""
        lines = (line.split("#", 1)[0].strip() for line in self.keywords.splitlines())
        return tuple(dict.fromkeys(line for line in lines if line))

    def clean(self) -> None:
        if not self.keyword_lines():
            raise ValidationError({"keywords": _("Escriba al menos una palabra o frase.")})
        if not (self.queue or self.category or self.clarification):
            raise ValidationError(
                _("La regla debe indicar una cola, un área o la marca de aclaración de cuenta.")
            )
        if self.weight <= 0 or self.weight > 10:
            raise ValidationError({"weight": _("El peso debe estar entre 0 y 10.")})


class LearnedTerm(models.Model):
    """Evidence learned from agents' corrections: a stem seen in tickets moved to a queue/area."""

    KIND_CHOICES = [("queue", _("cola")), ("category", _("área"))]

    term = models.CharField(_("raíz"), max_length=80)
    label_kind = models.CharField(_("tipo"), max_length=10, choices=KIND_CHOICES)
    label = models.CharField(_("destino"), max_length=16)
    weight = models.FloatField(_("peso"), default=0.0)
    updated_at = models.DateTimeField(_("actualizado"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["term", "label_kind", "label"], name="learned_term_uniq"
            )
        ]
        ordering = ["-updated_at"]
        verbose_name = _("término aprendido")
        verbose_name_plural = _("términos aprendidos")

    def __str__(self) -> str:
        return f"{self.term} → {self.label_kind}:{self.label}"
