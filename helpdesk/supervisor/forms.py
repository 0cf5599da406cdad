from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.incidents.models import Severity
from helpdesk.models import Category, Channel, Queue, SlaState
from helpdesk.sla.models import SlaPolicy


class ReportForm(forms.Form):
    table = forms.ChoiceField(
        label=_("Tabla"),
        choices=[
            ("tickets", _("Tickets")),
            ("sla", _("Eventos de SLA")),
            ("compliance", _("Cumplimiento por cola y día")),
            ("agents", _("Agentes")),
        ],
        required=False,
    )
    date_from = forms.DateField(
        label=_("Desde"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    queue = forms.ChoiceField(label=_("Cola"), required=False)
    agent = forms.CharField(label=_("Agente (usuario)"), required=False, max_length=150)
    channel = forms.ChoiceField(
        label=_("Canal"), required=False, choices=[("", _("Todos")), *Channel.choices]
    )
    policy = forms.ChoiceField(label=_("Política"), required=False)

    sla_state = forms.ChoiceField(
        label=_("Estado SLA"), required=False, choices=[("", _("Todos")), *SlaState.choices]
    )
    open_only = forms.BooleanField(label=_("Solo abiertos"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["queue"].choices = [  # type: ignore[attr-defined]
            ("", _("Todas")),
            *[(q.slug, q.name) for q in Queue.objects.all()],
        ]
        self.fields["policy"].choices = [  # type: ignore[attr-defined]
            ("", _("Todas")),
            *[(str(p.pk), p.name) for p in SlaPolicy.objects.all()],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("La fecha final es anterior a la inicial."))
        return data


class IncidentForm(forms.Form):
    title = forms.CharField(label=_("Título"), max_length=200)
    message = forms.CharField(
        label=_("Mensaje para clientes"), widget=forms.Textarea(attrs={"rows": 3})
    )
    areas = forms.MultipleChoiceField(
        label=_("Áreas afectadas"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    regions = forms.CharField(label=_("Regiones (separadas por comas)"), required=False)
    keywords = forms.CharField(label=_("Palabras clave (separadas por comas)"), required=False)
    severity = forms.ChoiceField(
        label=_("Severidad"), choices=Severity.choices, initial=Severity.MAJOR
    )
    starts_at = forms.DateTimeField(
        label=_("Inicio"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    expected_end_at = forms.DateTimeField(
        label=_("Fin estimado"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    pause_sla = forms.BooleanField(
        label=_("Pausar el SLA de los tickets vinculados"), required=False
    )

    def clean_regions(self) -> list[str]:
        return [r.strip() for r in self.cleaned_data.get("regions", "").split(",") if r.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = data.get("starts_at") or timezone.now()
        end = data.get("expected_end_at")
        if end and end <= start:
            self.add_error("expected_end_at", _("El fin estimado debe ser posterior al inicio."))
        return data


class IncidentCloseForm(forms.Form):
    notify = forms.BooleanField(
        label=_("Avisar a los clientes vinculados"), required=False, initial=True
    )
    text = forms.CharField(
        label=_("Mensaje de cierre (opcional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GeneralMessageForm(forms.Form):
    text = forms.CharField(
        label=_("Mensaje general (vacío para quitarlo)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TeamForm(forms.Form):
    capacity = forms.IntegerField(label=_("Chats simultáneos"), min_value=0, max_value=20)
    queues = forms.MultipleChoiceField(
        label=_("Colas"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["queues"].choices = [  # type: ignore[attr-defined]
            (q.slug, q.name) for q in Queue.objects.all()
        ]
