websocket_urlpatterns: list = []  # path("ws/supervisor/", SupervisorConsumer.as_asgi())
