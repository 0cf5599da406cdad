from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Category
from knowledgebase.services.search import MAX_QUERY_CHARS


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Buscar"),
        max_length=MAX_QUERY_CHARS,
        strip=True,
        error_messages={
            "required": _("Escribe qué problema tienes, por ejemplo: no tengo señal."),
            "max_length": _("La búsqueda es demasiado larga (máximo %(limit_value)d caracteres)."),
        },
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Ej.: no tengo señal, la recarga no llegó…")}
        ),
    )
    area = forms.ChoiceField(
        choices=[("", _("Todas las áreas"))]
        + [(c.value, c.label) for c in Category if c.value not in ("other", "sales")],
        required=False,
        label=_("Área"),
    )


class FeedbackForm(forms.Form):
    helpful = forms.ChoiceField(
        choices=[("yes", _("Sí")), ("no", _("No"))],
        widget=forms.RadioSelect,
        label=_("¿Te sirvió?"),
        error_messages={"required": _("Elige sí o no.")},
    )
    comment = forms.CharField(
        label=_("Comentario (opcional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("El comentario es muy largo (máximo 1000 caracteres).")},
    )
