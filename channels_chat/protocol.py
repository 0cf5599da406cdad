"""The chat wire contract: error codes, validation of frames against `channels_chat.frames`.

Pure: no Django, no I/O. Consumers parse client frames with `client_frame_parse` and the test
suite checks every frame the server sends with `server_frame_problems`. `docs/chat-protocol.md`
is the prose reference of the same contract.
"""

import functools
import json
import types
import typing
from typing import Any, Literal, Union, get_args, get_origin

from channels_chat.frames import (
    AGENT_FRAMES,
    CUSTOMER_FRAMES,
    CUSTOMER_SERVER_TYPES,
    MESSAGE_FROM,
    SERVER_FRAMES,
    MessageFrame,
)

__all__ = [
    "AGENT_FRAMES",
    "CLOSE_RECONNECT",
    "CLOSE_UNAUTHENTICATED",
    "CUSTOMER_FRAMES",
    "CUSTOMER_SERVER_TYPES",
    "ERROR_CODES",
    "SERVER_FRAMES",
    "ProtocolError",
    "client_frame_parse",
    "client_id_store",
    "client_id_wire",
    "error_frame",
    "message_frame",
    "server_frame_problems",
    "typeddict_problems",
]

# --- Close codes (the websocket server accepts only 1000 and 3000-4999) -------------------------

# Not signed in: reconnecting will not help.
CLOSE_UNAUTHENTICATED = 4401
# The server lost its channel layer (Redis restarted or unreachable): reconnect and resume.
CLOSE_RECONNECT = 4012

# --- Error codes -------------------------------------------------------------------------------

ERROR_CODES = {
    "bad_json": "El mensaje no es JSON válido.",
    "bad_frame": "El mensaje debe ser un objeto JSON con un campo «type».",
    "unknown_type": "Tipo de mensaje desconocido.",
    "missing_field": "Falta un campo obligatorio.",
    "invalid_field": "Un campo tiene un valor no válido.",
    "too_large": "El mensaje es demasiado grande.",
    "rate_limited": "Demasiados mensajes; espera un momento.",
    "not_started": "Primero envía «hello».",
    "already_started": "La conversación ya empezó en esta conexión.",
    "resume_invalid": "El código para retomar la conversación no es válido.",
    "resume_expired": "El código para retomar la conversación caducó.",
    "unauthenticated": "Inicia sesión para usar el chat de agentes.",
    "forbidden": "No tienes acceso a esta conversación.",
    "not_found": "La conversación no existe.",
    "conversation_ended": "La conversación terminó.",
    "not_waiting": "La conversación ya no está en espera.",
    "capacity_full": "Alcanzaste tu máximo de chats simultáneos.",
    "empty": "El mensaje está vacío.",
    "server_error": "Error interno; vuelve a intentarlo.",
}
MAX_CLIENT_ID = 60
MAX_NAME = 200
MAX_TOPIC = 500
MAX_NOTE = 2000


class ProtocolError(ValueError):
    """A frame the server cannot accept; becomes an `error` frame with this code."""

    def __init__(self, code: str, message: str = "", *, client_id: str | None = None):
        super().__init__(message or ERROR_CODES.get(code, code))
        self.code = code
        self.client_id = client_id

    def frame(self) -> dict[str, Any]:
        return error_frame(self.code, str(self), client_id=self.client_id)


# --- Type checking of plain JSON values against the TypedDicts above -------------------------


def _type_problems(value: Any, hint: Any, where: str) -> list[str]:
    origin = get_origin(hint)
    if hint is Any:
        return []
    if origin is Literal:
        return [] if value in get_args(hint) else [f"{where}: {value!r} not in {get_args(hint)}"]
    if origin in (Union, types.UnionType):
        options = get_args(hint)
        if any(not _type_problems(value, option, where) for option in options):
            return []
        return [f"{where}: {value!r} matches none of {options}"]
    if hint is type(None):
        return [] if value is None else [f"{where}: expected null"]
    if origin is list or hint is list:
        if not isinstance(value, list):
            return [f"{where}: expected a list"]
        (item,) = get_args(hint) or (Any,)
        return [p for i, v in enumerate(value) for p in _type_problems(v, item, f"{where}[{i}]")]
    if origin is dict or hint is dict:
        return [] if isinstance(value, dict) else [f"{where}: expected an object"]
    if typing.is_typeddict(hint):
        return typeddict_problems(value, hint, where)
    if hint is bool:
        return [] if isinstance(value, bool) else [f"{where}: expected a boolean"]
    if hint is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
        return [] if ok else [f"{where}: expected an integer"]
    if hint is str:
        return [] if isinstance(value, str) else [f"{where}: expected a string"]
    return [f"{where}: unsupported type {hint!r}"]


@functools.cache
def _hints(spec: Any) -> dict[str, Any]:
    """A TypedDict's field types, resolved once: the frame classes never change, and
    resolving them again was a measurable part of parsing every frame."""
    return typing.get_type_hints(spec)


def typeddict_problems(value: Any, spec: Any, where: str = "frame") -> list[str]:
    """Every way `value` differs from the TypedDict `spec` (missing, extra, wrong type)."""
    if not isinstance(value, dict):
        return [f"{where}: expected an object"]
    hints = _hints(spec)
    problems = [
        f"{where}.{key}: missing"
        for key in hints
        if key in spec.__required_keys__ and key not in value
    ]
    for key, item in value.items():
        if key not in hints:
            if not (spec is MessageFrame and key == "from"):
                problems.append(f"{where}.{key}: unexpected field")
            continue
        problems += _type_problems(item, hints[key], f"{where}.{key}")
    if spec is MessageFrame and value.get("from") not in MESSAGE_FROM:
        problems.append(f"{where}.from: {value.get('from')!r} not in {MESSAGE_FROM}")
    return problems


def server_frame_problems(frame: Any, *, customer: bool = False) -> list[str]:
    """Why `frame` is not a valid server frame (empty list when it is)."""
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        return ["frame: not an object with a type"]
    spec = SERVER_FRAMES.get(frame["type"])
    if spec is None:
        return [f"frame: unknown server type {frame['type']!r}"]
    if customer and frame["type"] not in CUSTOMER_SERVER_TYPES:
        return [f"frame: {frame['type']!r} is not sent to customers"]
    if customer and frame.get("internal"):
        return ["frame: internal message sent to a customer"]
    return typeddict_problems(frame, spec)


# --- Client frame parsing ----------------------------------------------------------------------


def _limits_check(frame: dict[str, Any], max_text: int) -> None:
    client_id = frame.get("id") if isinstance(frame.get("id"), str) else None
    if "id" in frame and not (0 < len(frame["id"]) <= MAX_CLIENT_ID):
        raise ProtocolError("invalid_field", "«id» debe tener entre 1 y 60 caracteres.")
    if "text" in frame:
        if not frame["text"].strip():
            raise ProtocolError("empty", client_id=client_id)
        if len(frame["text"]) > max_text:
            raise ProtocolError("too_large", client_id=client_id)
    for key, limit in (
        ("name", MAX_NAME),
        ("email", 254),
        ("topic", MAX_TOPIC),
        ("note", MAX_NOTE),
        ("resume", 128),
        ("queue", 50),
    ):
        if isinstance(frame.get(key), str) and len(frame[key]) > limit:
            raise ProtocolError("invalid_field", f"«{key}» es demasiado largo.")
    for key in ("after", "conversation", "agent"):
        if isinstance(frame.get(key), int) and frame[key] < 0:
            raise ProtocolError("invalid_field", f"«{key}» no puede ser negativo.")
    if frame.get("type") == "hello" and "resume" not in frame:
        email = frame.get("email", "")
        if email and ("@" not in email or " " in email.strip()):
            raise ProtocolError("invalid_field", "El correo no es válido.")
    if frame.get("type") == "transfer" and "queue" not in frame and "agent" not in frame:
        raise ProtocolError("missing_field", "Indica «queue», «agent» o ambos.")


def client_frame_parse(
    raw: str | bytes | None, table: dict[str, tuple[type, ...]], *, max_bytes: int, max_text: int
) -> dict[str, Any]:
    """Decode and validate one client frame against `table` (CUSTOMER_FRAMES or AGENT_FRAMES).

    Raises ProtocolError with the code the client gets back. Never touches storage.
    """
    if raw is None:
        raise ProtocolError("bad_frame")
    size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ProtocolError("too_large")
    try:
        frame = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ProtocolError("bad_json") from exc
    if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
        raise ProtocolError("bad_frame")
    specs = table.get(frame["type"])
    if specs is None:
        raise ProtocolError("unknown_type", f"Tipo de mensaje desconocido: {frame['type'][:40]}")
    best: list[str] = []
    for spec in specs:
        problems = typeddict_problems(frame, spec)
        if not problems:
            _limits_check(frame, max_text)
            return frame
        if not best or len(problems) < len(best):
            best = problems
    client_id = frame.get("id") if isinstance(frame.get("id"), str) else None
    missing = [p for p in best if p.endswith(": missing")]
    if missing:
        field = missing[0].split(":")[0].removeprefix("frame.")
        raise ProtocolError("missing_field", f"Falta el campo «{field}».", client_id=client_id)
    field = best[0].split(":")[0].removeprefix("frame.")
    raise ProtocolError("invalid_field", f"Campo no válido: «{field}».", client_id=client_id)


# --- Server frame builders ---------------------------------------------------------------------


def error_frame(code: str, message: str = "", *, client_id: str | None = None) -> dict[str, Any]:
    frame: dict[str, Any] = {
        "type": "error",
        "code": code,
        "message": message or ERROR_CODES.get(code, code),
    }
    if client_id:
        frame["id"] = client_id
    return frame


CUSTOMER_ID_PREFIX = "c:"
AGENT_ID_PREFIX = "a:"


def client_id_store(prefix: str, wire_id: str) -> str:
    """Customer and agent ids share a ticket's dedupe namespace; a prefix keeps them apart."""
    return f"{prefix}{wire_id}"


def client_id_wire(stored: str | None) -> str | None:
    if stored and stored[:2] in (CUSTOMER_ID_PREFIX, AGENT_ID_PREFIX):
        return stored[2:]
    return stored


def message_frame(
    payload: dict[str, Any], conversation: int | None, *, with_internal: bool
) -> dict[str, Any]:
    """Translate helpdesk.services.events.message_payload into the wire `message` frame."""
    frame: dict[str, Any] = {
        "type": "message",
        "conversation": conversation,
        "ticket": payload["ticket"],
        "seq": payload["seq"],
        "id": client_id_wire(payload.get("id")),
        "from": payload["from"],
        "name": payload.get("name") or "",
        "text": payload.get("text") or "",
        "at": payload["at"],
    }
    if with_internal:
        frame["internal"] = bool(payload.get("internal"))
    return frame
