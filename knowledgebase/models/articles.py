from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Category


class Origin(models.TextChoices):
    """Where a fault comes from: it decides who can fix it."""

    DEVICE = "device", _("Equipo del cliente")
    POINT_OF_SALE = "point_of_sale", _("Punto de venta")
    DISTRIBUTOR = "distributor", _("Distribuidor")
    NETWORK = "network", _("Red de distribución")
    CARRIER = "carrier", _("Operador (carrier)")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Público")
    INTERNAL = "internal", _("Interno (solo agentes)")


class Status(models.TextChoices):
    DRAFT = "draft", _("Borrador")
    PUBLISHED = "published", _("Publicado")


class Language(models.TextChoices):
    ES = "es", _("Español")
    EN = "en", _("English")


class Section(models.Model):
    """A browsable group of articles inside a fault area (e.g. "Recargas" inside billing)."""

    slug = models.SlugField(_("identificador"), max_length=60, unique=True)
    area = models.CharField(_("área"), max_length=16, choices=Category.choices)
    name_es = models.CharField(_("nombre (español)"), max_length=100)
    name_en = models.CharField(_("nombre (inglés)"), max_length=100)
    description_es = models.TextField(_("descripción (español)"), blank=True)
    description_en = models.TextField(_("descripción (inglés)"), blank=True)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("sección")
        verbose_name_plural = _("secciones")

    def __str__(self) -> str:
        return self.name_es

    def get_absolute_url(self) -> str:
        return reverse("kb:area", args=[self.area]) + f"#{self.slug}"

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_es

    def description(self, language: str) -> str:
        return self.description_en if language == "en" else self.description_es


class Article(models.Model):
    """One troubleshooting article in one language.

    The Spanish original and its English version are two rows linked by `translation`.
    """

    slug = models.SlugField(_("identificador"), max_length=120, unique=True)
    language = models.CharField(
        _("idioma"), max_length=2, choices=Language.choices, default=Language.ES
    )
    translation = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translated_by",
        verbose_name=_("traducción"),
        help_text=_("La misma guía en el otro idioma."),
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="articles", verbose_name=_("sección")
    )
    title = models.CharField(_("título"), max_length=200)
    summary = models.CharField(_("resumen"), max_length=400)
    symptoms = models.TextField(_("síntomas"), help_text=_("Uno por línea."))
    contact_support = models.TextField(
        _("cuándo contactar a soporte"),
        blank=True,
        help_text=_("Qué decirle a soporte si el problema sigue (Markdown)."),
    )
    body = models.TextField(_("notas adicionales (Markdown)"), blank=True)
    keywords = models.CharField(
        _("palabras clave"), max_length=500, blank=True, help_text=_("Separadas por comas.")
    )
    visibility = models.CharField(
        _("visibilidad"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(
        _("estado"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    related = models.ManyToManyField(
        "self", blank=True, symmetrical=False, verbose_name=_("artículos relacionados")
    )
    source_file = models.CharField(_("archivo de origen"), max_length=200, blank=True)
    source_hash = models.CharField(max_length=64, blank=True, editable=False)
    published_at = models.DateTimeField(_("publicado"), null=True, blank=True)
    updated_at = models.DateTimeField(_("actualizado"), default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["section__order", "title"]
        verbose_name = _("artículo")
        verbose_name_plural = _("artículos")
        indexes = [models.Index(fields=["status", "visibility", "language"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        _index_stale()

    def get_absolute_url(self) -> str:
        return reverse("kb:article", args=[self.slug])

    def delete(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        result = super().delete(*args, **kwargs)  # type: ignore[arg-type]
        _index_stale()
        return result

    @property
    def area(self) -> str:
        return self.section.area

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and self.visibility == Visibility.PUBLIC

    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]

    def symptom_list(self) -> list[str]:
        return [s.strip(" -*\t") for s in self.symptoms.splitlines() if s.strip(" -*\t")]


class ArticleCause(models.Model):
    """A likely cause of the fault and where it comes from."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="causes")
    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    origin = models.CharField(_("origen"), max_length=16, choices=Origin.choices)
    text = models.TextField(_("causa"))

    class Meta:
        ordering = ["article", "order", "id"]
        verbose_name = _("causa probable")
        verbose_name_plural = _("causas probables")

    def __str__(self) -> str:
        return self.text[:60]


class ArticleStep(models.Model):
    """One step the customer can try, in order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("orden"), default=0)
    text = models.TextField(_("paso (Markdown)"))

    class Meta:
        ordering = ["article", "order", "id"]
        verbose_name = _("paso")
        verbose_name_plural = _("pasos")

    def __str__(self) -> str:
        return self.text[:60]

    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        _index_stale()


def _index_stale() -> None:
    # The search index is a cache of these rows; tell this process to rebuild it. Other
    # processes notice through the stamp the index checks (see knowledgebase.services.index).
    from knowledgebase.services.index import index_invalidate

    index_invalidate()
