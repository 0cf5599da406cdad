from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisorConfig(AppConfig):
    name = "helpdesk.supervisor"
    label = "supervisor"
    verbose_name = _("Panel de supervisión")
