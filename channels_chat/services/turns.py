"""Several chat turns stored together: the sync half of a process's group commit.

`channels_chat.writer` collects the turns that arrive while the previous batch is being
written and hands them here in one thread hop. Customer lines go through intake together
(`intake_receive_many`), agent lines through the reply service together
(`ticket_reply_many`): one transaction each instead of one per line.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from channels_chat import stamps
from channels_chat.delivery import presence_read_ahead
from channels_chat.protocol import AGENT_ID_PREFIX, CUSTOMER_ID_PREFIX, client_id_store
from channels_chat.selectors import AgentTurn, agent_turns_read
from channels_chat.services.conversations import (
    CustomerSide,
    Stored,
    chat_message_receive,
    chat_reply_prepare,
    chat_reply_send,
    customer_inbound,
)
from helpdesk.realtime import realtime_flush, realtime_held
from helpdesk.services.intake import Inbound, intake_receive_many
from helpdesk.services.replies import Reply, ticket_reply_many

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CustomerLine:
    customer: CustomerSide
    client_id: str  # as on the wire
    text: str
    ended: bool = False  # the socket heard that the chat ended


@dataclass(frozen=True)
class AgentLine:
    conversation_id: int
    agent: Any
    client_id: str  # as on the wire
    text: str
    internal: bool = False


Turn = CustomerLine | AgentLine
Outcome = Stored | Exception  # the ack's figures, or what the single-turn path raised


def chat_turns_store(turns: Sequence[Turn]) -> list[Outcome]:
    """`_turns_store`, whose committed events this thread sends itself, after each commit."""
    with realtime_held():
        return _turns_store(turns)


def _turns_store(turns: Sequence[Turn]) -> list[Outcome]:
    """Store `turns`, each exactly as `chat_message_receive` / `chat_reply_send` would; one
    outcome per turn, in order (a refused turn's ProtocolError does not affect the others).

    Guarantees, per turn as for one turn: stored (with its seq) when this returns, so the
    caller acks after; idempotent on the client id (also between two turns of the batch; the
    agent lines' stored ids are read here with their checks, the customer lines' are left
    to the unique constraint);
    events after commit. Customer lines commit together, then agent lines (two transactions;
    tickets locked in ascending id order in each, so two processes' batches never deadlock).
    When a batch fails as a whole (a bad line, a lost race, a lock timeout) nothing of it was
    written and its turns are stored again one by one, so only the faulty turn fails.
    """
    outcomes: list[Outcome | None] = [None] * len(turns)
    customers: list[tuple[int, Inbound]] = []
    agents: list[tuple[int, Reply]] = []
    agent_lines = [turn for turn in turns if isinstance(turn, AgentLine)]
    # The reply service's dedupe lookup is read here with the agent checks (one statement).
    # Customer lines are not looked up at all: a line stored before (a client's retry after
    # a lost ack) fails the batch on the unique (ticket, client id) constraint, and the
    # batch is stored again line by line, where intake finds it (`_store_together`).
    agents_deduped = True
    try:
        read: list[Any] = agent_turns_read(
            [(t.conversation_id, t.agent) for t in agent_lines],
            [client_id_store(AGENT_ID_PREFIX, t.client_id) for t in agent_lines],
        )
    except Exception:
        log.warning("chat batch: agent turn checks failed; one by one", exc_info=True)
        read, agents_deduped = ["read"] * len(agent_lines), False
    checks = iter(read)
    for index, turn in enumerate(turns):
        try:
            if isinstance(turn, CustomerLine):
                if turn.ended:  # rare: only a retry of a stored line is acked
                    outcomes[index] = _one(turn)
                    continue
                stored_id = client_id_store(CUSTOMER_ID_PREFIX, turn.client_id)
                customers.append((index, customer_inbound(turn.customer, stored_id, turn.text)))
            else:
                check = next(checks)
                prepared = chat_reply_prepare(
                    turn.conversation_id,
                    agent=turn.agent,
                    client_id=turn.client_id,
                    text=turn.text,
                    internal=turn.internal,
                    turn=check,
                )
                if isinstance(prepared, Stored):
                    outcomes[index] = prepared
                elif isinstance(check, AgentTurn) and check.stored_seq is not None:
                    outcomes[index] = Stored(check.stored_seq, True)
                else:
                    agents.append((index, prepared))
        except Exception as exc:  # noqa: BLE001 - handed to that turn's socket
            outcomes[index] = exc
    if customers:
        _customers_store(turns, customers, outcomes)
    if agents:
        tickets = [check.ticket_id for check in read if isinstance(check, AgentTurn)]
        with presence_read_ahead(tickets):
            _agents_store(turns, agents, outcomes, agents_deduped)
    assert all(outcome is not None for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome is not None]


def _customers_store(
    turns: Sequence[Turn],
    batch: list[tuple[int, Inbound]],
    outcomes: list[Outcome | None],
) -> None:
    # Ascending ticket ids (stable: one ticket's lines keep their order) fix the lock order.
    batch = sorted(batch, key=lambda item: item[1].ticket_id or 0)
    store = functools.partial(intake_receive_many, look_up=False)
    _store_together(turns, batch, outcomes, store, "customer")


def _agents_store(
    turns: Sequence[Turn],
    batch: list[tuple[int, Reply]],
    outcomes: list[Outcome | None],
    deduped: bool,
) -> None:
    store = functools.partial(ticket_reply_many, deduped=deduped)
    _store_together(turns, batch, outcomes, store, "agent")


def _store_together(
    turns: Sequence[Turn],
    batch: Sequence[tuple[int, Any]],
    outcomes: list[Outcome | None],
    store_many: Callable[[list[Any]], Sequence[Any]],
    side: str,
) -> None:
    """Store one side's lines with `store_many` (one transaction); if the batch fails as a
    whole it wrote nothing, and each line is stored again alone (`_one`)."""
    try:
        results = store_many([item for _index, item in batch])
    except Exception:
        log.info("chat batch of %s %s lines failed; one by one", len(batch), side, exc_info=True)
        for index, _item in batch:
            outcomes[index] = _one(turns[index])
        realtime_flush()
        return
    realtime_flush()  # the other side's sockets hear of the lines before the acks go out
    for (index, _item), result in zip(batch, results, strict=True):
        outcomes[index] = Stored(result.message.seq, result.duplicate)
        stamps.stamp(turns[index].client_id, "committed")


def _one(turn: Turn) -> Outcome:
    """One turn through the single-turn path, its exception returned rather than raised."""
    try:
        if isinstance(turn, CustomerLine):
            stored = chat_message_receive(
                turn.customer, client_id=turn.client_id, text=turn.text, ended=turn.ended
            )
        else:
            stored = chat_reply_send(
                turn.conversation_id,
                agent=turn.agent,
                client_id=turn.client_id,
                text=turn.text,
                internal=turn.internal,
            )
    except Exception as exc:  # noqa: BLE001 - handed to that turn's socket
        return exc
    stamps.stamp(turn.client_id, "committed")
    return stored
