from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "helpdesk.incidents"
    label = "incidents"
    verbose_name = _("Incidentes y avisos")

    def ready(self) -> None:
        from helpdesk.incidents.models import GeneralMessage, Incident
        from helpdesk.incidents.selectors import GENERAL, UNENDED
        from helpdesk.snapshots import snapshot_follows

        snapshot_follows(UNENDED, Incident)
        snapshot_follows(GENERAL, GeneralMessage)
