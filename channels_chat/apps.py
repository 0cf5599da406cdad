from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsChatConfig(AppConfig):
    name = "channels_chat"
    verbose_name = _("Chat en vivo")
