from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.models.tickets import Category


class TriageRule(models.Model):
    """A readable rule supervisors edit in the admin: words that point to a queue and area."""

    name = models.CharField(_("nombre"), max_length=120)
    keywords = models.TextField(
        _("palabras clave"),
        help_text=_("Una palabra o frase por línea; se comparan sin acentos y por raíz."),
    )
    queue = models.CharField(
        _("cola"),
        max_length=16,
        choices=[
            ("technical", _("Técnica")),
            ("billing", _("Facturación")),
            ("sales", _("Ventas")),
        ],
        blank=True,
    )
    category = models.CharField(_("área"), max_length=16, choices=Category.choices, blank=True)
    clarification = models.BooleanField(_("marca aclaración de cuenta"), default=False)
    weight = models.FloatField(_("peso"), default=1.0)
    active = models.BooleanField(_("activa"), default=True)
    notes = models.TextField(_("notas"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("regla de clasificación")
        verbose_name_plural = _("reglas de clasificación")

    def __str__(self) -> str:
        return self.name


class LearnedTerm(models.Model):
    """Evidence learned from agents' corrections: a stem seen in tickets moved to a queue/area."""

    term = models.CharField(max_length=80)
    label_kind = models.CharField(max_length=10)  # "queue" or "category"
    label = models.CharField(max_length=16)
    weight = models.FloatField(default=0.0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["term", "label_kind", "label"], name="learned_term_uniq"
            )
        ]
        verbose_name = _("término aprendido")
        verbose_name_plural = _("términos aprendidos")

    def __str__(self) -> str:
        return f"{self.term} → {self.label_kind}:{self.label}"
