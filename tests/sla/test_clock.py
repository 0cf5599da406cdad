"""The pure SLA clock: business minutes, holidays, DST, pauses, exact-minute boundaries."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.sla.clock import (
    ALWAYS,
    Calendar,
    CalendarError,
    calendar_parse,
    deadline_add,
    elapsed,
    is_open,
)

pytestmark = pytest.mark.core

MX = ZoneInfo("America/Mexico_City")
PY = ZoneInfo("America/Asuncion")
CL = ZoneInfo("America/Santiago")

OFFICE = {str(d): [["09:00", "18:00"]] for d in range(1, 6)} | {"6": [["09:00", "13:00"]]}


def office(tz: str = "America/Mexico_City", holidays=(), hours=None) -> Calendar:
    return calendar_parse(timezone=tz, always_open=False, hours=hours or OFFICE, holidays=holidays)


def local(tz, *args) -> datetime:
    return datetime(*args, tzinfo=tz)


def test_always_open_is_plain_elapsed_time():
    start = datetime(2026, 3, 6, 23, 0, tzinfo=MX)  # Friday 17:00 Mexico City = 23:00 UTC?
    assert deadline_add(start, 24 * 60, ALWAYS) == start + timedelta(hours=24)
    assert elapsed(start, start + timedelta(hours=3), ALWAYS) == 180


def test_within_one_slot():
    cal = office()
    start = local(MX, 2026, 3, 2, 10, 0)  # Monday
    assert deadline_add(start, 60, cal) == local(MX, 2026, 3, 2, 11, 0)
    assert elapsed(start, local(MX, 2026, 3, 2, 11, 0), cal) == 60


def test_exact_end_of_slot_stays_today():
    cal = office()
    start = local(MX, 2026, 3, 2, 17, 0)
    assert deadline_add(start, 60, cal) == local(MX, 2026, 3, 2, 18, 0)
    assert deadline_add(start, 61, cal) == local(MX, 2026, 3, 3, 9, 1)


def test_eight_business_hours_rolls_to_next_morning():
    cal = office()
    start = local(MX, 2026, 3, 2, 15, 0)  # Monday 15:00: 3h today, 5h tomorrow
    assert deadline_add(start, 8 * 60, cal) == local(MX, 2026, 3, 3, 14, 0)


def test_created_outside_hours_starts_next_opening():
    cal = office()
    night = local(MX, 2026, 3, 2, 22, 30)
    assert deadline_add(night, 30, cal) == local(MX, 2026, 3, 3, 9, 30)
    early = local(MX, 2026, 3, 3, 6, 0)
    assert deadline_add(early, 0, cal) == local(MX, 2026, 3, 3, 9, 0)
    assert not is_open(night, cal) and is_open(local(MX, 2026, 3, 3, 9, 0), cal)
    assert not is_open(local(MX, 2026, 3, 3, 18, 0), cal)


def test_saturday_half_day_and_sunday_closed():
    cal = office()
    friday = local(MX, 2026, 3, 6, 17, 0)  # 1h Friday, 4h Saturday, Sunday closed
    assert deadline_add(friday, 5 * 60, cal) == local(MX, 2026, 3, 7, 13, 0)
    assert deadline_add(friday, 5 * 60 + 1, cal) == local(MX, 2026, 3, 9, 9, 1)
    assert elapsed(friday, local(MX, 2026, 3, 9, 10, 0), cal) == 6 * 60


def test_holiday_in_the_middle_is_skipped():
    cal = office(holidays=["2026-03-16"])  # Monday holiday (Benito Juárez day)
    friday = local(MX, 2026, 3, 13, 14, 0)
    # Friday 4h, Saturday 4h, Sunday and holiday Monday nothing, Tuesday from 09:00.
    assert deadline_add(friday, 10 * 60, cal) == local(MX, 2026, 3, 17, 11, 0)
    assert elapsed(friday, local(MX, 2026, 3, 17, 11, 0), cal) == 600
    plain = office()
    assert deadline_add(friday, 10 * 60, plain) == local(MX, 2026, 3, 16, 11, 0)


def test_several_slots_a_day():
    hours = {str(d): [["08:00", "12:00"], ["14:00", "18:00"]] for d in range(1, 6)}
    cal = office(hours=hours)
    start = local(MX, 2026, 3, 2, 11, 30)
    assert deadline_add(start, 60, cal) == local(MX, 2026, 3, 2, 14, 30)
    assert elapsed(start, local(MX, 2026, 3, 2, 15, 0), cal) == 90


def test_slot_until_midnight():
    cal = office(hours={str(d): [["20:00", "24:00"]] for d in range(1, 8)})
    start = local(MX, 2026, 3, 2, 23, 0)
    assert deadline_add(start, 90, cal) == local(MX, 2026, 3, 3, 20, 30)


def test_asuncion_spring_forward_at_midnight():
    # 2023-10-01 00:00 local jumped to 01:00 (UTC-4 -> UTC-3); 24/7 slot counts real minutes.
    cal = office("America/Asuncion", hours={str(d): [["00:00", "24:00"]] for d in range(1, 8)})
    start = local(PY, 2023, 9, 30, 23, 0)
    end = local(PY, 2023, 10, 1, 2, 0)
    assert elapsed(start, end, cal) == 120  # 23:00 -> 24:00 (=01:00) -> 02:00
    assert deadline_add(start, 120, cal) == end


def test_asuncion_fall_back_repeats_an_hour():
    # 2024-03-24 00:00 local went back to 23:00 of the 23rd (UTC-3 -> UTC-4).
    cal = office("America/Asuncion", hours={str(d): [["22:00", "24:00"]] for d in range(1, 8)})
    start = local(PY, 2024, 3, 23, 22, 0)
    # the 22:00-24:00 slot lasts 3 real hours that night (23:00-24:00 happens twice)
    nxt = deadline_add(start, 180, cal)
    assert nxt == datetime(2024, 3, 24, 4, 0, tzinfo=UTC)
    assert deadline_add(start, 181, cal) == local(PY, 2024, 3, 24, 22, 1)


def test_asuncion_permanent_utc_minus_3_after_2024():
    cal = office("America/Asuncion")
    start = local(PY, 2025, 7, 7, 9, 0)
    assert deadline_add(start, 60, cal).astimezone(UTC) == datetime(2025, 7, 7, 13, 0, tzinfo=UTC)


def test_mexico_city_last_dst_and_after_abolition():
    cal = office()
    # 2022-04-03 was a Sunday jump (02:00 -> 03:00); business hours Mon are unaffected.
    monday = local(MX, 2022, 4, 4, 9, 0)
    assert deadline_add(monday, 60, cal).astimezone(UTC) == datetime(2022, 4, 4, 15, 0, tzinfo=UTC)
    # Friday 17:00 before the jump to Monday 10:00 after it: 1h + 4h + 1h.
    friday = local(MX, 2022, 4, 1, 17, 0)
    assert elapsed(friday, local(MX, 2022, 4, 4, 10, 0), cal) == 360
    # 2023 has no DST any more: April 3rd 09:00 is UTC-6.
    assert deadline_add(local(MX, 2023, 4, 3, 9, 0), 0, cal) == datetime(
        2023, 4, 3, 15, 0, tzinfo=UTC
    )


def test_santiago_gap_slot_starts_after_jump():
    # Chile jumps 2024-09-08 00:00 -> 01:00; a slot starting at 00:00 opens at 01:00.
    cal = office("America/Santiago", hours={str(d): [["00:00", "03:00"]] for d in range(1, 8)})
    start = local(CL, 2024, 9, 7, 23, 0)
    assert deadline_add(start, 1, cal) == local(CL, 2024, 9, 8, 1, 1)
    assert elapsed(local(CL, 2024, 9, 8, 1, 0), local(CL, 2024, 9, 8, 3, 0), cal) == 120


def test_pause_resume_across_nights():
    cal = office()
    start = local(MX, 2026, 3, 2, 16, 0)  # Monday
    pauses = [(local(MX, 2026, 3, 2, 17, 0), local(MX, 2026, 3, 4, 10, 0))]
    # 1h Monday, paused until Wednesday 10:00, then 7h more -> Wednesday 17:00.
    assert deadline_add(start, 8 * 60, cal, pauses) == local(MX, 2026, 3, 4, 17, 0)
    assert elapsed(start, local(MX, 2026, 3, 4, 11, 0), cal, pauses) == 120


def test_pause_at_night_costs_nothing_extra():
    cal = office()
    start = local(MX, 2026, 3, 2, 17, 0)
    pauses = [(local(MX, 2026, 3, 2, 20, 0), local(MX, 2026, 3, 3, 8, 0))]
    assert deadline_add(start, 120, cal, pauses) == deadline_add(start, 120, cal)


def test_overlapping_pauses_merge_and_open_pause_has_no_deadline():
    start = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    pauses = [
        (start + timedelta(minutes=10), start + timedelta(minutes=30)),
        (start + timedelta(minutes=20), start + timedelta(minutes=40)),
    ]
    assert deadline_add(start, 20, ALWAYS, pauses) == start + timedelta(minutes=50)
    assert elapsed(start, start + timedelta(minutes=60), ALWAYS, pauses) == 30
    with pytest.raises(ValueError):
        deadline_add(start, 60, ALWAYS, [(start + timedelta(minutes=5), None)])
    # A still-open pause before the target is reached in elapsed: counted up to "end" only.
    assert (
        elapsed(
            start, start + timedelta(minutes=60), ALWAYS, [(start + timedelta(minutes=5), None)]
        )
        == 5
    )


def test_exact_minute_boundaries():
    start = datetime(2026, 3, 6, 23, 0, tzinfo=UTC)
    due = deadline_add(start, 24 * 60, ALWAYS)
    assert elapsed(start, due - timedelta(minutes=1), ALWAYS) == 24 * 60 - 1
    assert elapsed(start, due, ALWAYS) == 24 * 60
    assert elapsed(start, start, ALWAYS) == 0 and elapsed(due, start, ALWAYS) == 0


def test_zero_minutes_and_negative():
    assert deadline_add(datetime(2026, 1, 1, tzinfo=UTC), 0, ALWAYS) == datetime(
        2026, 1, 1, tzinfo=UTC
    )
    with pytest.raises(ValueError):
        deadline_add(datetime(2026, 1, 1, tzinfo=UTC), -1, ALWAYS)


def test_non_utc_input_returns_utc():
    start = local(MX, 2026, 3, 2, 10, 0)
    due = deadline_add(start, 30, office())
    assert due.tzinfo == UTC and due == local(MX, 2026, 3, 2, 10, 30)


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"timezone": "Mars/Olympus"}, "zona horaria"),
        ({"hours": {"1": [["10:00", "09:00"]]}}, "invertida"),
        ({"hours": {"1": [["09:00", "13:00"], ["12:00", "18:00"]]}}, "superpuestas"),
        ({"hours": {"8": [["09:00", "13:00"]]}}, "día de la semana"),
        ({"hours": {"1": [["9h", "13:00"]]}}, "hora no válida"),
        ({"hours": {"1": [["09:00"]]}}, "franja no válida"),
        ({"holidays": ["2026-02-30"]}, "feriado"),
        ({"holidays": ["mañana"]}, "feriado"),
        ({"hours": {}}, "al menos una franja"),
    ],
)
def test_bad_calendars_are_refused(kwargs, fragment):
    values = {
        "timezone": "America/Mexico_City",
        "always_open": False,
        "hours": OFFICE,
        "holidays": [],
    } | kwargs
    with pytest.raises(CalendarError) as error:
        calendar_parse(**values)
    assert fragment in str(error.value)


def test_parse_keeps_slots_sorted_and_holidays_as_dates():
    cal = calendar_parse(
        timezone="America/Asuncion",
        always_open=False,
        hours={"2": [["14:00", "18:00"], ["08:00", "12:00"]]},
        holidays=["2026-05-15"],
    )
    assert cal.hours[2] == ((time(8), time(12)), (time(14), time(18)))
    assert cal.holidays == frozenset({date(2026, 5, 15)})


def test_calendar_with_only_holidays_ahead_fails_cleanly():
    cal = Calendar(
        timezone="UTC", always_open=False, hours={1: ((time(9), time(10)),)}, holidays=frozenset()
    )
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert deadline_add(start, 60 * 3, cal) > start
    empty = Calendar(timezone="UTC", always_open=False, hours={}, holidays=frozenset())
    with pytest.raises(CalendarError):
        deadline_add(start, 1, empty)


def test_repeated_deadlines_answer_per_calendar_object():
    # A mail batch asks the same (start, minutes) for every ticket: answered from the recent
    # ones, but only for the very same calendar object, never for another calendar.
    start = datetime(2026, 3, 6, 17, 30, tzinfo=MX)  # Friday, 30 minutes before closing
    mexico, asuncion = office(), office("America/Asuncion")
    first = deadline_add(start, 60, mexico)
    assert first == datetime(2026, 3, 7, 9, 30, tzinfo=MX)  # Saturday morning
    assert deadline_add(start, 60, mexico) == first
    assert deadline_add(start, 60, ALWAYS) == start + timedelta(hours=1)
    assert deadline_add(start, 60, asuncion) != first
    paused = [(start, start + timedelta(minutes=10))]
    assert deadline_add(start, 60, mexico, paused) == datetime(2026, 3, 7, 9, 40, tzinfo=MX)
