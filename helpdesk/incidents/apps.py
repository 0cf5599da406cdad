from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "helpdesk.incidents"
    label = "incidents"
    verbose_name = _("Incidentes y avisos")

    def ready(self) -> None:
        from helpdesk.incidents.models import Incident
        from helpdesk.incidents.selectors import UNENDED
        from helpdesk.snapshots import snapshot_follows

        snapshot_follows(UNENDED, Incident)
