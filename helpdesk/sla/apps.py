from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "helpdesk.sla"
    label = "sla"
    verbose_name = _("Acuerdos de servicio (SLA)")

    def ready(self) -> None:
        from helpdesk.sla.clocks import POLICIES
        from helpdesk.sla.models import BusinessCalendar, SlaPolicy
        from helpdesk.snapshots import snapshot_follows

        snapshot_follows(POLICIES, SlaPolicy, BusinessCalendar)
