"""Every frame of the chat wire protocol, as TypedDicts (the typed contract).

`channels_chat.protocol` validates plain JSON values against these; `docs/chat-protocol.md`
is the prose reference.
"""

from typing import Literal, NotRequired, TypedDict

ErrorCode = Literal[
    "bad_json",
    "bad_frame",
    "unknown_type",
    "missing_field",
    "invalid_field",
    "too_large",
    "rate_limited",
    "not_started",
    "already_started",
    "resume_invalid",
    "resume_expired",
    "unauthenticated",
    "forbidden",
    "not_found",
    "conversation_ended",
    "not_waiting",
    "capacity_full",
    "empty",
    "server_error",
]
State = Literal["waiting", "active", "transferred", "ended"]
Author = Literal["customer", "agent", "system"]
PresenceStatus = Literal["online", "away", "offline"]

# --- Client -> server: customer ----------------------------------------------------------------


class HelloNew(TypedDict):
    type: Literal["hello"]
    name: str
    email: str
    topic: NotRequired[str]
    queue: NotRequired[str]
    language: NotRequired[str]


class HelloResume(TypedDict):
    type: Literal["hello"]
    resume: str
    after: int


class CustomerMessage(TypedDict):
    type: Literal["message"]
    id: str
    text: str


class CustomerTyping(TypedDict):
    type: Literal["typing"]
    active: NotRequired[bool]


class Ping(TypedDict):
    type: Literal["ping"]


class Leave(TypedDict):
    """The customer ends the chat from the widget."""

    type: Literal["leave"]


# --- Client -> server: agent -------------------------------------------------------------------


class Accept(TypedDict):
    type: Literal["accept"]
    conversation: int


class AgentMessage(TypedDict):
    type: Literal["message"]
    conversation: int
    id: str
    text: str
    internal: NotRequired[bool]


class AgentTyping(TypedDict):
    type: Literal["typing"]
    conversation: int
    active: NotRequired[bool]


class Transfer(TypedDict):
    type: Literal["transfer"]
    conversation: int
    queue: NotRequired[str]
    agent: NotRequired[int]
    note: NotRequired[str]


class Close(TypedDict):
    type: Literal["close"]
    conversation: int


class PresenceSet(TypedDict):
    type: Literal["presence"]
    status: PresenceStatus


class History(TypedDict):
    type: Literal["history"]
    conversation: int
    after: NotRequired[int]


CUSTOMER_FRAMES: dict[str, tuple[type, ...]] = {
    "hello": (HelloResume, HelloNew),
    "message": (CustomerMessage,),
    "typing": (CustomerTyping,),
    "ping": (Ping,),
    "leave": (Leave,),
}
AGENT_FRAMES: dict[str, tuple[type, ...]] = {
    "accept": (Accept,),
    "message": (AgentMessage,),
    "typing": (AgentTyping,),
    "transfer": (Transfer,),
    "close": (Close,),
    "presence": (PresenceSet,),
    "history": (History,),
    "ping": (Ping,),
}

# --- Server -> client --------------------------------------------------------------------------


class Welcome(TypedDict):
    type: Literal["welcome"]
    conversation: int
    ticket: str
    resume: str
    queue: str
    queue_name: str
    position: int | None
    state: State
    agent: str | None
    offline: bool
    after: int


class Waiting(TypedDict):
    type: Literal["waiting"]
    conversation: int
    queue: str
    position: int
    agents_online: int


class Assigned(TypedDict):
    type: Literal["assigned"]
    conversation: int
    agent: str


class Transferred(TypedDict):
    type: Literal["transferred"]
    conversation: int
    queue: str
    queue_name: str


class Offline(TypedDict):
    type: Literal["offline"]
    conversation: int
    email: bool


class Closed(TypedDict):
    type: Literal["closed"]
    conversation: int
    by: Author


class MessageFrame(TypedDict):
    type: Literal["message"]
    conversation: int | None
    ticket: str
    seq: int
    id: str | None
    # "from" is a keyword; see MESSAGE_FROM below.
    name: str
    text: str
    at: str
    internal: NotRequired[bool]


class Ack(TypedDict):
    type: Literal["ack"]
    id: str
    seq: int
    duplicate: bool


class Typing(TypedDict):
    type: Literal["typing"]
    conversation: int
    name: str
    active: bool


class Pong(TypedDict):
    type: Literal["pong"]


class Error(TypedDict):
    type: Literal["error"]
    code: ErrorCode
    message: str
    id: NotRequired[str]


class ConversationSummary(TypedDict):
    id: int
    ticket: str
    ticket_id: int
    subject: str
    queue: str
    queue_name: str
    state: State
    agent: int | None
    agent_name: str | None
    offered_to: int | None
    customer: str
    email: str
    waiting_since: str
    offline: bool
    customer_online: bool


class ConversationFrame(TypedDict):
    type: Literal["conversation"]
    conversation: ConversationSummary


class Ready(TypedDict):
    type: Literal["ready"]
    agent: int
    name: str
    presence: PresenceStatus
    capacity: int
    queues: list[str]
    conversations: list[ConversationSummary]


class HistoryFrame(TypedDict):
    type: Literal["history"]
    conversation: int
    ticket: str
    messages: list[dict]


class PresenceFrame(TypedDict):
    type: Literal["presence"]
    agent: int
    status: PresenceStatus
    effective: PresenceStatus
    capacity: int
    active: int


class TicketFrame(TypedDict):
    type: Literal["ticket"]
    change: str
    ticket: dict


SERVER_FRAMES: dict[str, type] = {
    "welcome": Welcome,
    "waiting": Waiting,
    "assigned": Assigned,
    "transferred": Transferred,
    "offline": Offline,
    "closed": Closed,
    "message": MessageFrame,
    "ack": Ack,
    "typing": Typing,
    "pong": Pong,
    "error": Error,
    "conversation": ConversationFrame,
    "ready": Ready,
    "history": HistoryFrame,
    "presence": PresenceFrame,
    "ticket": TicketFrame,
}
# Frames a customer socket may receive; the rest are agent-only.
CUSTOMER_SERVER_TYPES = frozenset(
    {
        "welcome",
        "waiting",
        "assigned",
        "transferred",
        "offline",
        "closed",
        "message",
        "ack",
        "typing",
        "pong",
        "error",
    }
)
MESSAGE_FROM = ("customer", "agent", "system")
