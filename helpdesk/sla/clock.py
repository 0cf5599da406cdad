"""Business-time arithmetic for SLA clocks: pure, timezone-aware, no database.

A `Calendar` is a plain value: a timezone name, whether it is open around the clock, the opening
slots of each ISO weekday (1 = Monday) in local wall time, and the local dates that are holidays.
Instants in and out are aware datetimes; the math runs on UTC intervals, so DST changes count the
real minutes a slot lasted (a 09:00-18:00 slot on the day clocks jump is 8 or 10 real hours only
when the jump falls inside it). Local times that do not exist (a spring-forward gap) resolve to
the instant just after the gap; repeated local times (fall back) take their first occurrence.

Pauses are `(start, end)` intervals of real time during which the clock does not run; `end` may be
None for a pause still in progress.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Interval = tuple[datetime, datetime]
Pause = tuple[datetime, datetime | None]
Slot = tuple[time, time | None]  # end None means midnight at the end of the day

# Walking a calendar farther than this to find business time means it has none.
MAX_DAYS = 3 * 366


class CalendarError(ValueError):
    """A calendar that cannot be used: unknown timezone, bad slot, bad holiday."""


@dataclass(frozen=True)
class Calendar:
    timezone: str = "UTC"
    always_open: bool = True
    hours: Mapping[int, Sequence[Slot]] = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


ALWAYS = Calendar()


def _parse_time(text: str) -> time | None:
    """ "HH:MM" to a time; "24:00" to None (end of day)."""
    if text.strip() == "24:00":
        return None
    try:
        hour, minute = (int(part) for part in text.strip().split(":"))
        return time(hour, minute)
    except (ValueError, TypeError) as error:
        raise CalendarError(f"hora no válida: {text!r} (se espera HH:MM)") from error


def calendar_parse(
    *,
    timezone: str,
    always_open: bool,
    hours: Mapping[str, Sequence[Sequence[str]]] | None,
    holidays: Iterable[str] | None,
) -> Calendar:
    """Build and validate a Calendar from stored plain values (JSON of the admin).

    Raises CalendarError with a message naming the bad part: an unknown timezone, a slot that is
    not "HH:MM"-"HH:MM" with start before end, overlapping slots on one day, a weekday outside 1-7,
    a holiday that is not a real "YYYY-MM-DD" date, or business hours with no slot at all.
    """
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise CalendarError(f"zona horaria desconocida: {timezone!r}") from error
    parsed_hours: dict[int, tuple[Slot, ...]] = {}
    for key, slots in (hours or {}).items():
        try:
            weekday = int(key)
        except (TypeError, ValueError) as error:
            raise CalendarError(
                f"día de la semana no válido: {key!r} (1=lunes ... 7=domingo)"
            ) from error
        if not 1 <= weekday <= 7:
            raise CalendarError(f"día de la semana no válido: {key!r} (1=lunes ... 7=domingo)")
        day_slots: list[Slot] = []
        for slot in slots or ():
            if not isinstance(slot, list | tuple) or len(slot) != 2:
                raise CalendarError(f"franja no válida el día {weekday}: {slot!r}")
            start, end = _parse_time(str(slot[0])), _parse_time(str(slot[1]))
            if start is None:
                raise CalendarError(f"una franja no puede empezar a las 24:00 (día {weekday})")
            if end is not None and end <= start:
                raise CalendarError(
                    f"franja vacía o invertida el día {weekday}: {slot[0]}-{slot[1]}"
                )
            day_slots.append((start, end))
        day_slots.sort(key=lambda s: s[0])
        for previous, current in zip(day_slots, day_slots[1:], strict=False):
            if previous[1] is None or previous[1] > current[0]:
                raise CalendarError(
                    f"franjas superpuestas el día {weekday}: "
                    f"{previous[0]:%H:%M} y {current[0]:%H:%M}"
                )
        parsed_hours[weekday] = tuple(day_slots)
    parsed_holidays: set[date] = set()
    for item in holidays or ():
        try:
            parsed_holidays.add(date.fromisoformat(str(item)))
        except ValueError as error:
            raise CalendarError(f"feriado no válido: {item!r} (se espera AAAA-MM-DD)") from error
    if not always_open and not any(parsed_hours.values()):
        raise CalendarError("un calendario con horario necesita al menos una franja")
    return Calendar(
        timezone=timezone,
        always_open=always_open,
        hours=parsed_hours,
        holidays=frozenset(parsed_holidays),
    )


def _local(day: date, moment: time | None, tz: ZoneInfo) -> datetime:
    if moment is None:
        day, moment = day + timedelta(days=1), time(0, 0)
    # fold=0 maps a gap time with the offset before the jump, i.e. to the instant after it.
    return datetime.combine(day, moment, tzinfo=tz).astimezone(UTC)


def _day_intervals(day: date, calendar: Calendar, tz: ZoneInfo) -> list[Interval]:
    if day in calendar.holidays:
        return []
    result = []
    for start, end in calendar.hours.get(day.isoweekday(), ()):
        a, b = _local(day, start, tz), _local(day, end, tz)
        if b > a:
            result.append((a, b))
    return result


def open_intervals(
    start: datetime, calendar: Calendar, end: datetime | None = None
) -> Iterator[Interval]:
    """Business intervals (UTC) clipped to [start, end), in order; endless when end is None."""
    start = start.astimezone(UTC)
    end_utc = end.astimezone(UTC) if end is not None else None
    if calendar.always_open:
        if end_utc is None or end_utc > start:
            yield start, end_utc if end_utc is not None else datetime.max.replace(tzinfo=UTC)
        return
    tz = calendar.tz
    day = start.astimezone(tz).date() - timedelta(days=1)  # a slot may spill past midnight UTC
    empty_days = 0
    while True:
        intervals = _day_intervals(day, calendar, tz)
        empty_days = empty_days + 1 if not intervals else 0
        if empty_days > MAX_DAYS:
            raise CalendarError("el calendario no tiene horario hábil en más de tres años")
        for a, b in intervals:
            if end_utc is not None and a >= end_utc:
                return
            a, b = max(a, start), min(b, end_utc) if end_utc is not None else b
            if b > a:
                yield a, b
        if end_utc is not None and _local(day, None, tz) >= end_utc:
            return
        day += timedelta(days=1)


def _normalise_pauses(pauses: Iterable[Pause], horizon: datetime | None) -> list[Interval]:
    far = horizon or datetime.max.replace(tzinfo=UTC)
    items = sorted(
        (a.astimezone(UTC), (b.astimezone(UTC) if b is not None else far)) for a, b in pauses
    )
    merged: list[Interval] = []
    for a, b in items:
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _subtract(interval: Interval, pauses: list[Interval]) -> Iterator[Interval]:
    a, b = interval
    for p, q in pauses:
        if q <= a:
            continue
        if p >= b:
            break
        if p > a:
            yield a, p
        a = max(a, q)
        if a >= b:
            return
    if b > a:
        yield a, b


def running_intervals(
    start: datetime, calendar: Calendar, pauses: Iterable[Pause] = (), end: datetime | None = None
) -> Iterator[Interval]:
    """Intervals from `start` in which the clock runs: business time minus pauses."""
    merged = _normalise_pauses(pauses, None)
    for interval in open_intervals(start, calendar, end):
        yield from _subtract(interval, merged)


def elapsed_seconds(
    start: datetime, end: datetime, calendar: Calendar, pauses: Iterable[Pause] = ()
) -> float:
    """Seconds the clock ran between start and end (0 when end <= start)."""
    if end <= start:
        return 0.0
    return sum((b - a).total_seconds() for a, b in running_intervals(start, calendar, pauses, end))


def elapsed(
    start: datetime, end: datetime, calendar: Calendar, pauses: Iterable[Pause] = ()
) -> float:
    """Business minutes (fractional) the clock ran between start and end."""
    return elapsed_seconds(start, end, calendar, pauses) / 60.0


def deadline_add(
    start: datetime, minutes: float, calendar: Calendar, pauses: Iterable[Pause] = ()
) -> datetime:
    """The instant at which `minutes` of running clock time have passed since `start`.

    Returned in UTC. With zero minutes it is the first running instant at or after `start`.
    An open-ended pause (end None) never ends, so the deadline cannot be reached: ValueError.
    """
    if minutes < 0:
        raise ValueError("minutes must be >= 0")
    pauses = tuple(pauses)
    if not pauses:  # the common case: a target just started (a whole mail batch shares `now`)
        key = (id(calendar), start, minutes)
        hit = _RECENT.get(key)
        if hit is not None and hit[0] is calendar:
            return hit[1]
        if len(_RECENT) >= 512:
            _RECENT.clear()
        due = _deadline(start, minutes, calendar, ())
        _RECENT[key] = (calendar, due)
        return due
    return _deadline(start, minutes, calendar, pauses)


# Recent unpaused deadlines: (id(calendar), start, minutes) -> (calendar, due). The calendar
# itself is kept and compared, so a reused id of a collected calendar never answers.
_RECENT: dict[tuple[int, datetime, float], tuple[Calendar, datetime]] = {}


def _deadline(
    start: datetime, minutes: float, calendar: Calendar, pauses: Sequence[Pause]
) -> datetime:
    remaining = timedelta(minutes=minutes)
    merged = _normalise_pauses(pauses, None)
    if merged and merged[-1][1] == datetime.max.replace(tzinfo=UTC):
        open_pause_start = merged[-1][0]
    else:
        open_pause_start = None
    for interval in open_intervals(start, calendar):
        for a, b in _subtract(interval, merged):
            length = b - a
            if remaining <= length:
                return a + remaining
            remaining -= length
        if open_pause_start is not None and interval[1] >= open_pause_start:
            raise ValueError("the clock is paused with no end: no deadline")
    raise ValueError("no deadline")  # pragma: no cover - open_intervals is endless


def is_open(moment: datetime, calendar: Calendar) -> bool:
    """Whether the clock would run at `moment` (no pauses considered)."""
    for a, _b in open_intervals(moment, calendar, moment + timedelta(seconds=1)):
        return a == moment.astimezone(UTC)
    return False
