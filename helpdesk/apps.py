from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    label = "helpdesk"
    verbose_name = _("Mesa de ayuda")

    def ready(self) -> None:
        from helpdesk.models import Queue
        from helpdesk.services.queues import QUEUES
        from helpdesk.snapshots import snapshot_follows

        snapshot_follows(QUEUES, Queue)
