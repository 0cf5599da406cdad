from django.urls import path

websocket_urlpatterns: list = [
    # Filled by the live-chat work: path("ws/chat/", ...), path("ws/agent/", ...)
]
_ = path
