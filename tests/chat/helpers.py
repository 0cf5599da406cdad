"""Shared steps of the chat tests."""

from __future__ import annotations

import itertools
from typing import Any

from rest_framework.authtoken.models import Token

from tests.chat.wsclient import Socket

_ids = itertools.count(1)


def client_id() -> str:
    return f"m{next(_ids)}"


def agent_socket(server: Any, user: Any, *, scope: str = "") -> Socket:
    token, _ = Token.objects.get_or_create(user=user)
    extra = f"&scope={scope}" if scope else ""
    socket = Socket(f"{server.ws_url}/ws/agent/?token={token.key}{extra}", customer=False)
    socket.expect("ready")
    return socket


def customer_socket(server: Any) -> Socket:
    return Socket(f"{server.ws_url}/ws/chat/", customer=True)


def customer_start(
    server: Any,
    *,
    name: str = "Ana",
    email: str = "ana@example.com",
    topic: str = "No tengo señal en mi celular",
) -> tuple[Socket, dict]:
    socket = customer_socket(server)
    socket.send({"type": "hello", "name": name, "email": email, "topic": topic})
    return socket, socket.expect("welcome")
