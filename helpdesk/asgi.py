"""ASGI entry point: HTTP through Django, websockets through the chat routing."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import OriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from channels_chat.auth import TokenOrSessionAuthMiddlewareStack  # noqa: E402
from channels_chat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Sockets from our own hosts, plus the sites allowed to embed the chat widget.
        "websocket": OriginValidator(
            TokenOrSessionAuthMiddlewareStack(URLRouter(websocket_urlpatterns)),
            [*settings.ALLOWED_HOSTS, *settings.WIDGET_EMBED_ORIGINS],
        ),
    }
)
