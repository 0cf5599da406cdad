from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Feedback(models.Model):
    """One "¿Te sirvió?" answer on an article."""

    article = models.ForeignKey(
        "knowledgebase.Article", on_delete=models.CASCADE, related_name="feedback"
    )
    helpful = models.BooleanField(_("le sirvió"))
    comment = models.TextField(_("comentario"), blank=True, max_length=1000)
    session_key = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("opinión")
        verbose_name_plural = _("opiniones")

    def __str__(self) -> str:
        return f"{self.article_id} {'+' if self.helpful else '-'}"


class ArticleViewDay(models.Model):
    """Views of an article on one day (a counter row, not one row per view)."""

    article = models.ForeignKey(
        "knowledgebase.Article", on_delete=models.CASCADE, related_name="view_days"
    )
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("visitas por día")
        verbose_name_plural = _("visitas por día")
        constraints = [
            models.UniqueConstraint(fields=["article", "day"], name="kb_view_article_day")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.day} {self.views}"


class DeflectionSource(models.TextChoices):
    FORM = "form", _("Formulario de contacto")
    CHAT = "chat", _("Chat")
    KB = "kb", _("Centro de ayuda")


class Deflection(models.Model):
    """A customer said an article solved their problem before contacting support.

    It counts as a deflected ticket unless the same visit then submitted the form anyway.
    """

    token = models.CharField(max_length=64, db_index=True)
    article = models.ForeignKey(
        "knowledgebase.Article", on_delete=models.CASCADE, related_name="deflections"
    )
    source = models.CharField(
        _("origen"), max_length=8, choices=DeflectionSource.choices, default=DeflectionSource.FORM
    )
    query = models.CharField(_("texto buscado"), max_length=300, blank=True)
    submitted_anyway = models.BooleanField(_("envió el formulario igual"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("desvío de ticket")
        verbose_name_plural = _("desvíos de tickets")
        constraints = [
            models.UniqueConstraint(fields=["token", "article"], name="kb_deflection_once")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.source}"
