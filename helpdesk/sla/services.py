"""SLA clock hooks called by the intake, reply and ticket services, inside their transactions.

Each hook loads (or creates) the ticket's TicketClock, moves its targets, records the clock
events and mirrors the nearest running target onto `Ticket.sla_due_at` / `Ticket.sla_state`.
None of them commits or sends anything by itself: the caller's transaction carries them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from helpdesk.models import Message, Priority, Status, Ticket
from helpdesk.models.tickets import OPEN_STATUSES
from helpdesk.rows import instances_insert
from helpdesk.sla import state
from helpdesk.sla.clocks import (
    POLICIES,
    ClockRows,
    clock_mirror,
    clock_of,
    clock_save,
    clocks_of,
    clocks_rows,
    event_rows,
)
from helpdesk.sla.models import SlaClockEvent, SlaPolicy, TicketClock

WAITING_REASON = "waiting"
RESOLVED_REASON = "resolved"


def _agents_online(ticket: Ticket) -> bool:
    from helpdesk.models.agents import Presence

    return ticket.queue.members.filter(
        is_active=True, agent_profile__presence=Presence.ONLINE
    ).exists()


def sla_policy_select(ticket: Ticket) -> SlaPolicy | None:
    """First active policy, by order, whose non-empty selectors all match the ticket."""
    for policy in POLICIES.get():
        if policy.queue_id and policy.queue_id != ticket.queue_id:
            continue
        if policy.category and policy.category != ticket.category:
            continue
        if policy.clarification is not None and policy.clarification != ticket.clarification:
            continue
        if policy.priority and policy.priority != ticket.priority:
            continue
        if policy.channel and policy.channel != ticket.channel:
            continue
        if policy.agents_online and not _agents_online(ticket):
            continue
        return policy
    return None


@dataclass
class NewClock:
    """A clock prepared before its ticket's INSERT, with the events its start recorded."""

    clock: TicketClock
    events: list[state.ClockEvent]


def sla_clock_new(ticket: Ticket, *, now: datetime) -> NewClock:
    """The clock of a ticket about to be inserted: policy picked, targets started at `now`,
    paused when its incident pauses SLAs, and mirrored onto the unsaved ticket's
    `sla_due_at` / `sla_state` / `sla_policy` (so the ticket's INSERT carries them).
    Save it with `sla_clocks_insert` once the ticket has its id."""
    policy = sla_policy_select(ticket)
    clock = TicketClock(policy=policy, targets={}, pauses=[], pause_reasons=[])
    events: list[state.ClockEvent | None] = []
    if policy is not None:
        for name in ("first_response", "resolution"):
            minutes = policy.targets().get(name)
            if minutes:
                events.append(state.target_start(clock, name, minutes, now))
        if ticket.incident_id and ticket.incident and ticket.incident.pause_sla:
            events.append(state.clock_pause(clock, "incident", now))
        state.schedule_all(clock, policy)
    state.refresh(clock)
    clock_mirror(ticket, clock)
    return NewClock(clock, [event for event in events if event is not None])


def sla_clock_rows(
    pairs: Iterable[tuple[Ticket, NewClock]], *, now: datetime
) -> tuple[list[TicketClock], list[SlaClockEvent]]:
    """The rows of new tickets' clocks (from `sla_clock_new`) and of their events, pointing at
    the tickets, saved or not: `instances_insert` them after the tickets."""
    clocks, rows = [], []
    for ticket, new in pairs:
        new.clock.ticket = ticket
        clocks.append(new.clock)
        rows += event_rows(ticket, new.clock, new.events, now)
    return clocks, rows


def sla_clocks_insert(pairs: Iterable[tuple[Ticket, NewClock]], *, now: datetime) -> None:
    """Insert saved tickets' new clocks and their events."""
    instances_insert(*sla_clock_rows(pairs, now=now))


def sla_ticket_opened(ticket: Ticket, *, now: datetime) -> None:
    """Pick the policy and start its first-response and resolution targets at `now`
    (for a ticket already saved; intake uses `sla_clock_new` before the INSERT instead)."""
    sla_clocks_insert([(ticket, sla_clock_new(ticket, now=now))], now=now)  # mirror: UPDATE


def sla_customer_messaged(ticket: Ticket, *, now: datetime) -> None:
    """The customer wrote again: resume a waiting clock, start the next-response target."""
    sla_customers_messaged([ticket], now=now)


def sla_customers_messaged(tickets: Sequence[Ticket], *, now: datetime) -> None:
    """`sla_customer_messaged` for several tickets (each once): their clocks locked with one
    query (or with their tickets: `clocks_of`) and written back with `clocks_save`."""
    sla_customers_messaged_rows(tickets, now=now).write()


def sla_customers_messaged_rows(tickets: Sequence[Ticket], *, now: datetime) -> ClockRows:
    """`sla_customers_messaged` up to the writing: the rows, for a caller that writes them
    in its own statement (the intake, with the messages)."""
    clocks = clocks_of(tickets)
    return clocks_rows(
        [
            (ticket, clock, _customer_messaged(ticket, clock, now))
            for ticket in tickets
            if (clock := clocks.get(ticket.pk)) is not None
        ],
        now,
    )


def _customer_messaged(
    ticket: Ticket, clock: TicketClock, now: datetime
) -> list[state.ClockEvent | None]:
    policy = clock.policy
    events: list[state.ClockEvent | None] = [state.clock_resume(clock, WAITING_REASON, now, policy)]
    if ticket.is_open:
        events.append(state.clock_resume(clock, RESOLVED_REASON, now, policy))
    if RESOLVED_REASON not in clock.pause_reasons and policy is not None:
        resolution = clock.targets.get("resolution")
        if resolution and resolution["state"] in (state.MET, state.STOPPED) and ticket.is_open:
            # Reopened by the customer: the resolution target runs again, history untouched.
            resolution["state"], resolution["met_at"] = state.RUNNING, None
            events.append(state.ClockEvent("reopened", "resolution"))
    first = clock.targets.get("first_response")
    answered = first is None or first["state"] != state.RUNNING
    minutes = policy.next_response_minutes if policy else None
    current = clock.targets.get("next_response")
    if minutes and answered and (current is None or current["state"] != state.RUNNING):
        events.append(state.target_start(clock, "next_response", minutes, now))
    state.schedule_all(clock, policy)
    return events


def sla_agents_replied_rows(
    replies: Sequence[tuple[Ticket, Message]],
    *,
    now: datetime,
    status_changes: Mapping[int, Sequence[tuple[str, str]]] | None = None,
) -> ClockRows:
    """A written answer to the customer (never a note or automatic message) meets responses:
    the rows, for the reply service to write with its messages (one lock read per batch).

    `status_changes` (ticket id -> the replies' (old, new) status changes, in order) move the
    same clocks afterwards, as `sla_status_changed` would one by one: one read and one write
    of each clock for the whole batch.
    """
    changes = status_changes or {}
    answered = {
        ticket.pk for ticket, message in replies if not (message.internal or message.automatic)
    }
    tickets = {
        ticket.pk: ticket
        for ticket, _message in replies
        if ticket.pk in answered or ticket.pk in changes
    }
    clocks = clocks_of(tickets.values())
    moved = []
    for pk, ticket in tickets.items():
        if (clock := clocks.get(pk)) is None:
            continue
        events: list[state.ClockEvent | None] = []
        if pk in answered:
            events += [
                state.target_meet(clock, "first_response", now),
                state.target_meet(clock, "next_response", now),
            ]
        for old, new in changes.get(pk, ()):
            events += _status_moved(clock, old, new, now)
        moved.append((ticket, clock, events))
    return clocks_rows(moved, now)


def sla_status_changed(ticket: Ticket, old: str, new: str, *, now: datetime) -> None:
    """Waiting on the customer pauses (per policy); resolving meets resolution; reopen resumes."""
    clock = clock_of(ticket)
    if clock is None:
        return
    clock_save(ticket, clock, _status_moved(clock, old, new, now), now)


def _status_moved(
    clock: TicketClock, old: str, new: str, now: datetime
) -> list[state.ClockEvent | None]:
    """What a status change does to the (locked, loaded) clock: its events."""
    policy = clock.policy
    events: list[state.ClockEvent | None] = []
    pause_waiting = policy is None or policy.pause_when_waiting
    if new == Status.WAITING and pause_waiting:
        events.append(state.clock_pause(clock, WAITING_REASON, now))
    if old == Status.WAITING and new != Status.WAITING:
        events.append(state.clock_resume(clock, WAITING_REASON, now, policy))
    if new in (Status.RESOLVED, Status.CLOSED):
        events.append(state.target_meet(clock, "resolution", now))
        for name in ("first_response", "next_response"):
            events.append(state.target_meet(clock, name, now, stopped=True))
        events.append(state.clock_pause(clock, RESOLVED_REASON, now))
    elif old in (Status.RESOLVED, Status.CLOSED):
        resolution = clock.targets.get("resolution")
        if resolution and resolution["state"] in (state.MET, state.STOPPED):
            resolution["state"], resolution["met_at"] = state.RUNNING, None
            events.append(state.ClockEvent("reopened", "resolution"))
        events.append(state.clock_resume(clock, RESOLVED_REASON, now, policy))
    state.schedule_all(clock, policy)
    return events


def sla_pause(ticket: Ticket, reason: str, *, now: datetime) -> None:
    """Pause the clock for an external reason (an incident); idempotent per reason."""
    clock = clock_of(ticket)
    if clock is None:
        return
    clock_save(ticket, clock, [state.clock_pause(clock, reason, now)], now)


def sla_resume(ticket: Ticket, reason: str, *, now: datetime) -> None:
    clock = clock_of(ticket)
    if clock is None:
        return
    clock_save(ticket, clock, [state.clock_resume(clock, reason, now, clock.policy)], now)


def sla_policy_changed(policy: SlaPolicy, *, now: datetime) -> int:
    """Recompute the running targets of the policy's open tickets with its new figures.

    Forward only: targets already met or breached and every recorded event stay as they were;
    a running target keeps its start and pauses and gets the new minutes, calendar and risk
    ratio. Records a `recomputed` event per ticket. Returns how many clocks changed.
    """
    calendar = state.calendar_of(policy.calendar)
    targets = policy.targets()
    changed = 0
    clocks = (
        TicketClock.objects.select_for_update(of=("self",))
        .select_related("ticket")
        .filter(policy=policy, ticket__status__in=OPEN_STATUSES)
    )
    for clock in clocks.iterator(chunk_size=500):
        before = {n: (t.get("due"), t.get("minutes")) for n, t in clock.targets.items()}
        for name, target in clock.targets.items():
            if target["state"] == state.RUNNING and name in targets:
                target["minutes"] = targets[name]
        if "resolution" in targets and "resolution" not in clock.targets:
            state.target_start(
                clock,
                "resolution",
                targets["resolution"],
                state._dt(clock.targets.get("first_response", {}).get("started"))
                or clock.ticket.created_at,
            )
        state.schedule_all(clock, policy, calendar)
        after = {n: (t.get("due"), t.get("minutes")) for n, t in clock.targets.items()}
        if after != before:
            clock_save(
                clock.ticket,
                clock,
                [state.ClockEvent("recomputed", data={"before": before, "after": after})],
                now,
            )
            changed += 1
    return changed


def sla_ticket_reclassified(ticket: Ticket, *, now: datetime) -> None:
    """Queue, fault area, priority or flag changed: apply the policy that now matches.

    Forward only: running targets keep their start and pauses and take the new policy's
    minutes and calendar; targets the new policy lacks stop; met or breached ones stay.
    Records `policy_changed`. A no-op when the same policy still matches.
    """
    clock = clock_of(ticket)
    if clock is None:
        return
    policy = sla_policy_select(ticket)
    if (policy.pk if policy else None) == clock.policy_id:
        return
    old = clock.policy.name if clock.policy else None
    targets = policy.targets() if policy else {}
    events: list[state.ClockEvent | None] = []
    for name, target in clock.targets.items():
        if target["state"] != state.RUNNING:
            continue
        if name in targets:
            target["minutes"] = targets[name]
            target["warned"] = False
        else:
            events.append(state.target_meet(clock, name, now, stopped=True))
    if policy is not None and ticket.is_open:
        for name in ("first_response", "resolution"):
            if name in targets and name not in clock.targets and not ticket.first_response_at:
                events.append(state.target_start(clock, name, targets[name], now))
    clock.policy = policy
    state.schedule_all(clock, policy)
    events.append(
        state.ClockEvent(
            "policy_changed", data={"from": old, "to": policy.name if policy else None}
        )
    )
    clock_save(ticket, clock, events, now)


def priority_raised(priority: int) -> int:
    return min(priority + 1, Priority.URGENT)
