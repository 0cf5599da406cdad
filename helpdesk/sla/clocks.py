"""Per-ticket SLA clocks in the database: loaded (locked, in ticket order), saved with their
events and the ticket's mirrored fields in one statement, and the active policies' snapshot
they take their policy and calendar from. The hooks in `helpdesk.sla.services` decide what
changes; this module reads and writes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection

from helpdesk.models import SlaState, Ticket
from helpdesk.rowread import instances_read
from helpdesk.rows import rows_write
from helpdesk.sla import state
from helpdesk.sla.models import SlaClockEvent, SlaPolicy, TicketClock
from helpdesk.snapshots import Snapshot


def _policies_load() -> tuple[SlaPolicy, ...]:
    return tuple(SlaPolicy.objects.filter(active=True).select_related("calendar"))


POLICIES = Snapshot("sla-policies", _policies_load)


def event_rows(
    ticket: Ticket, clock: TicketClock, events: Iterable[state.ClockEvent | None], now: datetime
) -> list[SlaClockEvent]:
    return [
        SlaClockEvent(
            ticket=ticket,  # the ticket may still be unsaved (see `sla_clock_rows`)
            kind=event.kind,
            target=event.target,
            at=now,
            due_at=event.due_at or state._dt(clock.targets.get(event.target, {}).get("due")),
            policy_id=clock.policy_id,
            data=event.data,
        )
        for event in events
        if event is not None
    ]


def clock_mirror(ticket: Ticket, clock: TicketClock) -> None:
    """Copy the clock's due time, state and policy onto the ticket (UPDATE when saved)."""
    if clock_mirrored(ticket, clock) and ticket.pk:
        Ticket.objects.filter(pk=ticket.pk).update(
            sla_due_at=ticket.sla_due_at,
            sla_state=ticket.sla_state,
            sla_policy=ticket.sla_policy_id,
        )


def clock_mirrored(ticket: Ticket, clock: TicketClock) -> bool:
    """Set the ticket's copies of the clock's fields; whether any changed."""
    changed = False
    due = clock.due_at
    if due is None and clock.state == SlaState.BREACHED:
        dues = [t.get("due") for t in clock.targets.values() if t["state"] == state.BREACHED]
        due = max((state._dt(d) for d in dues if d), default=None)  # type: ignore[type-var]
    for name, value in (
        ("sla_due_at", due),
        ("sla_state", clock.state),
        ("sla_policy_id", clock.policy_id),
    ):
        if getattr(ticket, name) != value:
            setattr(ticket, name, value)
            changed = True
    return changed


def clock_save(
    ticket: Ticket,
    clock: TicketClock,
    events: Iterable[state.ClockEvent | None],
    now: datetime,
) -> None:
    """Derive, save, record and mirror: the one way a changed clock is persisted.

    A clock that nothing changed (no event, same fields: a customer writing twice while a
    target already runs) is not written again. The clock, its events and the ticket's mirrored
    fields go out in one statement (`rows_write`).
    """
    clocks_save([(ticket, clock, events)], now)


CLOCK_FIELDS = [f.name for f in TicketClock._meta.concrete_fields if not f.primary_key]
MIRROR_FIELDS = ["sla_due_at", "sla_state", "sla_policy"]


@dataclass
class ClockRows:
    """What saving some clocks writes: the changed clocks, the tickets whose mirrored fields
    changed and the clock events. A caller with rows of its own hands them to `write`, which
    puts everything in one `rows_write`."""

    clocks: list[TicketClock] = field(default_factory=list)
    tickets: list[Ticket] = field(default_factory=list)
    events: list[SlaClockEvent] = field(default_factory=list)

    def write(
        self,
        *,
        insert: Sequence[Sequence[Any]] = (),
        tickets: Iterable[tuple[Ticket, Sequence[str]]] = (),
        log: Sequence[Any] = (),
    ) -> None:
        """Write these rows with the caller's own in one statement (`rows_write`): new rows
        (`insert`), changed ticket fields (`tickets`: a status, an assignee) and audit rows
        (`log`). Each ticket gets one UPDATE with all its fields, the clock's mirror fields
        included (a statement must not update a row twice), so pass the instances these rows
        hold. Afterwards the clocks remember their stored values (see `clock_save`)."""
        rows_write(insert=insert, update=self._updates(tickets), log=[*log, *self.events])
        for clock in self.clocks:
            clock.loaded_values = _persisted(clock)  # type: ignore[attr-defined]

    def _updates(
        self, tickets: Iterable[tuple[Ticket, Sequence[str]]]
    ) -> list[tuple[Sequence[Any], Sequence[str]]]:
        fields: dict[int, tuple[Ticket, list[str]]] = {}
        for ticket, names in [*((t, MIRROR_FIELDS) for t in self.tickets), *tickets]:
            known = fields.setdefault(ticket.pk, (ticket, []))[1]
            known += [name for name in names if name not in known]
        groups: dict[tuple[str, ...], list[Ticket]] = {}
        for ticket, names in fields.values():
            if names:
                groups.setdefault(tuple(names), []).append(ticket)
        return [(self.clocks, CLOCK_FIELDS), *((rows, names) for names, rows in groups.items())]


def clocks_save(
    changes: Sequence[tuple[Ticket, TicketClock, Iterable[state.ClockEvent | None]]],
    now: datetime,
) -> None:
    """`clock_save` for several tickets' loaded clocks (from `clocks_of`): the changed clocks,
    all their events and the changed ticket mirrors in one statement."""
    clocks_rows(changes, now).write()


def clocks_rows(
    changes: Sequence[tuple[Ticket, TicketClock, Iterable[state.ClockEvent | None]]],
    now: datetime,
) -> ClockRows:
    """The rows `clocks_save` would write for `changes`, not written yet."""
    rows = ClockRows()
    for ticket, clock, events in changes:
        before = getattr(clock, "loaded_values", None)
        state.refresh(clock)
        recorded = [event for event in events if event is not None]
        if recorded or _persisted(clock) != before:
            rows.clocks.append(clock)
        rows.events += event_rows(ticket, clock, recorded, now)
        if clock_mirrored(ticket, clock) and ticket.pk:
            rows.tickets.append(ticket)
    return rows


def _persisted(clock: TicketClock) -> tuple:
    """The clock's stored values, to tell whether a save would change anything."""
    return tuple(
        json.dumps(value, sort_keys=True, default=str) if isinstance(value, dict | list) else value
        for value in (getattr(clock, f.attname) for f in TicketClock._meta.concrete_fields)
    )


def clock_of(ticket: Ticket) -> TicketClock | None:
    """The ticket's clock, locked, remembering its stored values (see `clock_save`)."""
    return clocks_of([ticket]).get(ticket.pk)


def clocks_of(tickets: Iterable[Ticket]) -> dict[int, TicketClock]:
    """Several tickets' clocks by ticket id, locked in ticket order (two batches sharing
    tickets never deadlock), each remembering its stored values (see `clock_save`).

    A ticket locked with its clock (`clock_lock_join`: the ticket's own locking statement
    also locked and read its clock) hands that clock over, once: nothing is read for it.
    Only the clock rows are read: their policies (with calendars) come from the process
    snapshot, or from the database for a policy no longer active.
    """
    clocks: dict[int, TicketClock] = {}
    ids = []
    for ticket in tickets:
        if LOCKED_CLOCK in ticket.__dict__:
            if (locked := ticket.__dict__.pop(LOCKED_CLOCK)) is not None:
                clocks[ticket.pk] = locked
        else:
            ids.append(ticket.pk)
    if ids:
        table = connection.ops.quote_name(TicketClock._meta.db_table)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        # Plain SQL: the ORM's compilation of this one query cost more than running it (and
        # `raw()`'s column mapping as much again: `instances_read`).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT * FROM {table} WHERE ticket_id IN ({', '.join(['%s'] * len(ids))}) "  # noqa: S608
                f"ORDER BY ticket_id{lock}",
                ids,
            )
            clocks.update((clock.ticket_id, clock) for clock in instances_read(TicketClock, cursor))
    if not clocks:
        return clocks
    policies = {policy.pk: policy for policy in POLICIES.get()}
    missing = {c.policy_id for c in clocks.values() if c.policy_id and c.policy_id not in policies}
    if missing:
        policies.update(SlaPolicy.objects.select_related("calendar").in_bulk(missing))
    for clock in clocks.values():
        if clock.policy_id:
            clock.policy = policies[clock.policy_id]
        clock.loaded_values = _persisted(clock)  # type: ignore[attr-defined]
    return clocks


# Where a ticket locked with its clock keeps that clock until `clocks_of` takes it.
LOCKED_CLOCK = "_sla_clock_locked"
_PREFIX = "sla_clock__"


@cache
def clock_lock_join(ticket_id: str) -> tuple[str, str]:
    """(columns, join) to add to a PostgreSQL statement that locks tickets, so that it also
    locks and reads their clocks: one round trip instead of two. `ticket_id` is the SQL of
    the locked ticket's id. The clock is locked after its ticket, as `clocks_of` would.
    Rows read so go to `clock_lock_keep`."""
    table = connection.ops.quote_name(TicketClock._meta.db_table)
    columns = ", ".join(
        f"{connection.ops.quote_name(str(f.column))} AS {_PREFIX}{f.column}"
        for f in TicketClock._meta.concrete_fields
    )
    join = (
        f"LEFT JOIN LATERAL (SELECT {columns} FROM {table} "  # noqa: S608
        f"WHERE ticket_id = {ticket_id} FOR UPDATE) AS sla_clock ON true"
    )
    return "sla_clock.*", join


def clock_lock_keep(ticket: Ticket) -> None:
    """Turn the clock columns a ticket was read with (`clock_lock_join`) into its clock (or
    None: the ticket has none), kept for the next `clocks_of` of this transaction."""
    values = ticket.__dict__
    fields = TicketClock._meta.concrete_fields
    if values.get(f"{_PREFIX}ticket_id") is None:
        for f in fields:
            values.pop(f"{_PREFIX}{f.column}", None)
        values[LOCKED_CLOCK] = None
        return
    row = []
    for f in fields:
        value = values.pop(f"{_PREFIX}{f.column}")
        if value is not None and hasattr(f, "from_db_value"):
            value = f.from_db_value(value, None, connection)
        row.append(value)
    values[LOCKED_CLOCK] = TicketClock.from_db(connection.alias, [f.attname for f in fields], row)
