from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# redis-py >= 6 gives every connection a 5 s read timeout, exactly channels-redis's 5 s
# BZPOPMIN wait: an idle consumer then dies with "Timeout reading from redis" after ~5 s.
# Reads of the channel layer must outlast that wait. redis-py also caps a pool at 100
# connections and raises (not waits) beyond it, which a few hundred busy sockets reach.
LAYER_SOCKET_TIMEOUT = 30.0
LAYER_MAX_CONNECTIONS = 1000


def channel_layer_timeouts_fix(layers: dict) -> None:
    """Give string Redis hosts of channels-redis layers a read timeout longer than BZPOPMIN
    and a larger connection pool. Belongs in settings.CHANNEL_LAYERS; done here until then."""
    for layer in layers.values():
        if not str(layer.get("BACKEND", "")).startswith("channels_redis."):
            continue
        config = layer.setdefault("CONFIG", {})
        config["hosts"] = [
            {
                "address": host,
                "socket_timeout": LAYER_SOCKET_TIMEOUT,
                "max_connections": LAYER_MAX_CONNECTIONS,
            }
            if isinstance(host, str)
            else host
            for host in config.get("hosts", [])
        ]


class ChannelsChatConfig(AppConfig):
    name = "channels_chat"
    verbose_name = _("Chat en vivo")

    def ready(self) -> None:
        from django.conf import settings

        channel_layer_timeouts_fix(getattr(settings, "CHANNEL_LAYERS", {}))
