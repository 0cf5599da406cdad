"""Every channel-layer group name is built here, and only here."""


def conversation_group(conversation_id: int) -> str:
    return f"chat.conversation.{conversation_id}"


def ticket_group(ticket_id: int) -> str:
    return f"ticket.{ticket_id}"


def ticket_public_group(ticket_id: int) -> str:
    """Customer-facing listeners of a ticket (chat sockets, tracking page): no internal notes."""
    return f"ticket.{ticket_id}.public"


def queue_group(queue_slug: str) -> str:
    return f"queue.{queue_slug}"


def agent_group(user_id: int) -> str:
    return f"agent.{user_id}"


def supervisors_group() -> str:
    return "supervisors"


def public_group() -> str:
    """Anonymous listeners (help centre, widget): status banners."""
    return "public"


def chat_queue_group(queue_slug: str) -> str:
    """Agents of a queue: chat lifecycle only (waiting, offered, accepted, ended)."""
    return f"chat.queue.{queue_slug}"


def bench_relay_group(pair: int) -> str:
    """The benchmark's bare relay (no storage): one group per customer-agent pair."""
    return f"bench.relay.{pair}"
