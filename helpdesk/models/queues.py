from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Queue(models.Model):
    """A work queue (`technical`, `billing`, `sales`) and the agents who work it."""

    slug = models.SlugField(unique=True)
    name_es = models.CharField(_("nombre (español)"), max_length=100)
    name_en = models.CharField(_("nombre (inglés)"), max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="queues", blank=True, verbose_name=_("agentes")
    )
    # Where escalations go when the SLA watcher reassigns a breached ticket.
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="supervised_queues",
        blank=True,
        verbose_name=_("supervisores"),
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("cola")
        verbose_name_plural = _("colas")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "es").startswith("en") else self.name_es
