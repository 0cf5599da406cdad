"""Websocket routes: the customer and agent chat sockets, plus the supervisor dashboard's."""

from django.urls import path

from channels_chat.conf import chat_int
from channels_chat.consumers.agent import AgentConsumer
from channels_chat.consumers.customer import CustomerConsumer
from helpdesk.supervisor.routing import websocket_urlpatterns as supervisor_patterns

websocket_urlpatterns: list = [
    path("ws/chat/", CustomerConsumer.as_asgi()),
    path("ws/agent/", AgentConsumer.as_asgi()),
    *supervisor_patterns,
]

if chat_int("BENCH_RELAY"):
    from channels_chat.consumers.relay import RelayConsumer

    websocket_urlpatterns.append(path("ws/bench/relay/", RelayConsumer.as_asgi()))
