from django.urls import path

from helpdesk.supervisor.consumers import SupervisorConsumer

websocket_urlpatterns: list = [path("ws/supervisor/", SupervisorConsumer.as_asgi())]
