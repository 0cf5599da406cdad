"""Websocket routes. Chat routes are added by the live-chat work; the supervisor dashboard
brings its own."""

from django.urls import path

from helpdesk.supervisor.routing import websocket_urlpatterns as supervisor_patterns

websocket_urlpatterns: list = [
    # path("ws/chat/", ...), path("ws/agent/", ...)
    *supervisor_patterns,
]
_ = path
