from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    label = "helpdesk"
    verbose_name = _("Mesa de ayuda")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from helpdesk.models import Queue
        from helpdesk.search_filters import fold_register
        from helpdesk.services.queues import QUEUES
        from helpdesk.snapshots import snapshot_follows

        snapshot_follows(QUEUES, Queue)
        connection_created.connect(fold_register, dispatch_uid="helpdesk_fold")
