"""Target bookkeeping of a TicketClock: start, pause, resume, meet, recompute.

Works on an in-memory TicketClock (no queries except the calendar of its policy) and returns
the clock events to record; callers save the clock and write the events in their transaction.
The math itself is `helpdesk.sla.clock`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from helpdesk.sla.clock import ALWAYS, Calendar, Pause, calendar_parse, deadline_add
from helpdesk.sla.models import BusinessCalendar, ClockState, SlaPolicy, TicketClock

RUNNING, MET, BREACHED, STOPPED = "running", "met", "breached", "stopped"


@dataclass
class ClockEvent:
    kind: str
    target: str = ""
    due_at: datetime | None = None
    data: dict[str, Any] = field(default_factory=dict)


def calendar_of(calendar: BusinessCalendar | None) -> Calendar:
    """The parsed calendar, kept on the instance (policies live in a per-process snapshot, so
    their calendars are parsed once, not on every ticket). A changed calendar is a new
    instance: saving one reloads the snapshot."""
    if calendar is None:
        return ALWAYS
    parsed: Calendar | None = calendar.__dict__.get("_parsed_calendar")
    if parsed is None:
        parsed = calendar_parse(
            timezone=calendar.timezone,
            always_open=calendar.always_open,
            hours=calendar.hours,
            holidays=calendar.holidays,
        )
        calendar.__dict__["_parsed_calendar"] = parsed
    return parsed


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def pauses_of(clock: TicketClock) -> list[Pause]:
    result: list[Pause] = []
    for start, end in clock.pauses:
        begun = _dt(start)
        if begun is not None:
            result.append((begun, _dt(end)))
    return result


def _schedule(clock: TicketClock, name: str, calendar: Calendar, ratio: float) -> None:
    """Recompute one running target's due and at-risk instants from its start and pauses."""
    target = clock.targets[name]
    started = _dt(target["started"])
    if clock.paused_since is not None or started is None:
        target["due"] = target["risk"] = None
        return
    pauses = pauses_of(clock)
    minutes = float(target["minutes"])
    target["due"] = _iso(deadline_add(started, minutes, calendar, pauses))
    target["risk"] = _iso(deadline_add(started, minutes * ratio, calendar, pauses))


def schedule_all(
    clock: TicketClock, policy: SlaPolicy | None, calendar: Calendar | None = None
) -> None:
    if policy is None:
        return
    calendar = calendar or calendar_of(policy.calendar)
    for name, target in clock.targets.items():
        if target["state"] == RUNNING:
            _schedule(clock, name, calendar, policy.at_risk_ratio)


def refresh(clock: TicketClock) -> None:
    """Derive the indexed columns and the mirrored state from the targets."""
    running = {n: t for n, t in clock.targets.items() if t["state"] == RUNNING}
    outstanding = any(
        t["state"] == BREACHED and not t.get("met_at") for t in clock.targets.values()
    )
    dues = [(t["due"], n) for n, t in running.items() if t.get("due")]
    risks = [t["risk"] for t in running.values() if t.get("risk") and not t.get("warned")]
    if clock.paused_since is not None or not dues:
        clock.due_at = clock.risk_at = None
        clock.target = min(running) if running and not dues else ""
    else:
        due, name = min(dues, key=lambda pair: _dt(pair[0]))  # type: ignore[arg-type,return-value]
        clock.due_at, clock.target = _dt(due), name
        clock.risk_at = min((_dt(r) for r in risks), default=None)  # type: ignore[type-var]
    if outstanding:
        clock.state = ClockState.BREACHED
    elif running and clock.paused_since is not None:
        clock.state = ClockState.PAUSED
    elif running:
        warned = any(t.get("warned") for t in running.values())
        clock.state = ClockState.AT_RISK if warned else ClockState.RUNNING
    elif any(t["state"] == BREACHED for t in clock.targets.values()):
        clock.state = ClockState.BREACHED
    else:
        clock.state = ClockState.MET
    clock.breached = any(t["state"] == BREACHED for t in clock.targets.values())


def target_start(clock: TicketClock, name: str, minutes: int, now: datetime) -> ClockEvent:
    clock.targets[name] = {
        "started": _iso(now),
        "minutes": minutes,
        "due": None,
        "risk": None,
        "state": RUNNING,
        "met_at": None,
        "warned": False,
    }
    return ClockEvent("started", name)


def target_meet(
    clock: TicketClock, name: str, now: datetime, stopped: bool = False
) -> ClockEvent | None:
    """Close a running (or breached, still unanswered) target at `now`."""
    target = clock.targets.get(name)
    if target is None:
        return None
    if target["state"] == RUNNING:
        due = _dt(target.get("due"))
        late = due is not None and now > due
        target["state"] = STOPPED if stopped else (BREACHED if late else MET)
        target["met_at"] = _iso(now)
        kind = "stopped" if stopped else ("met_late" if late else "met")
        return ClockEvent(kind, name, due)
    if target["state"] == BREACHED and not target.get("met_at") and not stopped:
        target["met_at"] = _iso(now)
        return ClockEvent("met_late", name, _dt(target.get("due")))
    return None


def clock_pause(clock: TicketClock, reason: str, now: datetime) -> ClockEvent | None:
    reasons = list(clock.pause_reasons)
    if reason in reasons:
        return None
    reasons.append(reason)
    clock.pause_reasons = reasons
    if clock.paused_since is not None:
        return None
    clock.paused_since = now
    clock.pauses = [*clock.pauses, [_iso(now), None]]
    for target in clock.targets.values():
        if target["state"] == RUNNING:
            target["due"] = target["risk"] = None
    return ClockEvent("paused", data={"reason": reason})


def clock_resume(
    clock: TicketClock, reason: str, now: datetime, policy: SlaPolicy | None
) -> ClockEvent | None:
    if reason not in clock.pause_reasons:
        return None
    clock.pause_reasons = [r for r in clock.pause_reasons if r != reason]
    if clock.pause_reasons or clock.paused_since is None:
        return None
    clock.paused_seconds += max(0.0, (now - clock.paused_since).total_seconds())
    clock.paused_since = None
    pauses = list(clock.pauses)
    if pauses and pauses[-1][1] is None:
        pauses[-1] = [pauses[-1][0], _iso(now)]
    clock.pauses = pauses
    schedule_all(clock, policy)
    return ClockEvent("resumed", data={"reason": reason})
