from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TriageConfig(AppConfig):
    name = "helpdesk.triage"
    label = "triage"
    verbose_name = _("Clasificación")

    def ready(self) -> None:
        from helpdesk.triage import signals

        signals.connect()
