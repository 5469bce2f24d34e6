"""The schedule calendar: windows, a schedule's expected runs and the day-by-day layout."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from croniter import croniter
from hypothesis import given
from hypothesis import strategies as st

from airdeck_domain.errors import InvalidInputError
from airdeck_domain.models import DagRun
from airdeck_domain.run_calendar import (
    Calendar,
    ScheduledDag,
    Window,
    calendar,
    cron_of,
    expected_times,
    merged,
    window_of,
    zone,
)

ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe"]
CRONS = [
    "0 0 * * *",
    "30 6 * * 1-5",
    "*/15 * * * *",
    "0 */6 * * *",
    "@hourly",
    "5 4 1 * *",
    "* * * * *",
]

days = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))


@given(day=days, timezone=st.sampled_from(ZONES))
def test_a_week_runs_monday_to_sunday_around_the_day(day: date, timezone: str) -> None:
    window = window_of(day, "week", timezone)
    assert window.first.weekday() == 0 and window.last.weekday() == 6
    assert window.first <= day <= window.last
    assert (window.last - window.first).days == 6


@given(day=days, timezone=st.sampled_from(ZONES))
def test_a_month_is_widened_to_whole_weeks(day: date, timezone: str) -> None:
    window = window_of(day, "month", timezone)
    span = (window.last - window.first).days + 1
    assert window.first.weekday() == 0 and window.last.weekday() == 6
    assert span % 7 == 0 and 28 <= span <= 42
    assert window.first <= day.replace(day=1) and window.first > day.replace(day=1) - timedelta(7)
    month_days = [window.first + timedelta(i) for i in range(span)]
    assert sum(d.month == day.month for d in month_days) in (28, 29, 30, 31)
    assert window.end - window.start >= timedelta(days=span - 1)


def test_an_unknown_time_zone_is_a_clear_input_error() -> None:
    with pytest.raises(InvalidInputError) as caught:
        window_of(date(2026, 12, 2), "week", "Mars/Olympus")
    assert "Mars/Olympus" in str(caught.value)
    with pytest.raises(InvalidInputError):
        zone("")


def test_presets_read_as_cron_and_other_schedules_do_not() -> None:
    assert cron_of("@daily") == "0 0 * * *"
    assert cron_of("30 6 * * 1-5") == "30 6 * * 1-5"
    assert cron_of(None) is None
    assert cron_of("@once") is None
    assert cron_of("Asset") is None
    assert cron_of("1 day, 0:00:00") is None


@given(
    cron=st.sampled_from(CRONS),
    dag_zone=st.sampled_from(ZONES),
    local_zone=st.sampled_from(ZONES),
    start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 1, 1)),
    hours=st.integers(min_value=1, max_value=24 * 10),
    per_day=st.integers(min_value=1, max_value=30),
)
def test_expected_times_are_the_schedules_ticks_capped_per_day(
    cron: str, dag_zone: str, local_zone: str, start: datetime, hours: int, per_day: int
) -> None:
    begin = start.replace(tzinfo=UTC)
    end = begin + timedelta(hours=hours)
    local = ZoneInfo(local_zone)
    dag = ScheduledDag(dag_id="d", display_name="D", schedule=cron, timezone=dag_zone)
    times, crowded = expected_times(dag, begin, end, local, per_day=per_day)
    expression = cron_of(cron)
    assert expression is not None
    assert times == sorted(set(times))
    assert all(begin <= t < end for t in times)
    assert all(croniter.match(expression, t.astimezone(ZoneInfo(dag_zone))) for t in times)
    per_local_day: dict[date, int] = {}
    for t in times:
        per_local_day[t.astimezone(local).date()] = (
            per_local_day.get(t.astimezone(local).date(), 0) + 1
        )
    assert all(n <= per_day for n in per_local_day.values())
    assert all(per_local_day.get(day) == per_day for day in crowded)
    # Where no day was crowded, every tick of the range is listed.
    if not crowded:
        every = []
        ticks = croniter(expression, begin.astimezone(ZoneInfo(dag_zone)) - timedelta(seconds=1))
        while (tick := ticks.get_next(datetime)) < end:
            if tick >= begin:
                every.append(tick)
        assert times == every


def test_a_daily_cron_keeps_its_local_hour_across_daylight_saving() -> None:
    dag = ScheduledDag(dag_id="d", display_name="D", schedule="30 6 * * *", timezone="Europe/Paris")
    begin = datetime(2026, 3, 27, tzinfo=UTC)
    times, _ = expected_times(dag, begin, begin + timedelta(days=4), ZoneInfo("UTC"))
    assert [t.astimezone(ZoneInfo("Europe/Paris")).hour for t in times] == [6, 6, 6, 6]
    assert [t.astimezone(UTC).hour for t in times] == [5, 5, 4, 4]


def test_paused_and_unreadable_schedules() -> None:
    begin = datetime(2026, 12, 1, tzinfo=UTC)
    end = begin + timedelta(days=7)
    paused = ScheduledDag(dag_id="p", display_name="P", schedule="@hourly", is_paused=True)
    assert expected_times(paused, begin, end, ZoneInfo("UTC")) == ([], set())
    nxt = begin + timedelta(days=2)
    asset = ScheduledDag(dag_id="a", display_name="A", schedule="Asset", next_run=nxt)
    assert expected_times(asset, begin, end, ZoneInfo("UTC")) == ([nxt], set())
    outside = ScheduledDag(dag_id="a", display_name="A", schedule="Asset", next_run=end)
    assert expected_times(outside, begin, end, ZoneInfo("UTC")) == ([], set())


run_states = st.sampled_from(["success", "failed", "running", "queued", None])


@given(
    offsets=st.lists(
        st.tuples(st.integers(min_value=-3 * 24, max_value=40 * 24), run_states, st.booleans()),
        max_size=40,
    ),
    timezone=st.sampled_from(ZONES),
    now_hours=st.integers(min_value=-24 * 10, max_value=24 * 50),
)
def test_every_run_of_a_known_dag_sits_once_on_its_day_and_expected_ones_come_after_now(
    offsets: list[tuple[int, str | None, bool]], timezone: str, now_hours: int
) -> None:
    window = window_of(date(2026, 11, 15), "month", timezone)
    dags = [
        ScheduledDag(dag_id="daily", display_name="Daily", schedule="@daily"),
        ScheduledDag(dag_id="manual", display_name="Manual", schedule=None),
    ]
    runs = [
        DagRun(
            run_id=f"r{i}",
            dag_id="daily" if known else "elsewhere",
            state=state,
            start_date=window.start + timedelta(hours=hours),
        )
        for i, (hours, state, known) in enumerate(offsets)
    ]
    now = window.start + timedelta(hours=now_hours)
    result = calendar(window, dags, runs, now=now)
    assert [d.day for d in result.days] == [
        window.first + timedelta(i) for i in range((window.last - window.first).days + 1)
    ]
    placed = [e for d in result.days for e in d.entries if e.kind == "run"]
    wanted = [
        r
        for r in runs
        if r.dag_id == "daily" and r.start_date and window.start <= r.start_date < window.end
    ]
    assert sorted(e.run_id or "" for e in placed) == sorted(r.run_id for r in wanted)
    for day in result.days:
        assert all(e.at.date() == day.day for e in day.entries)
        assert sum(day.counts.values()) == len(day.entries)
        assert [e.at for e in day.entries] == sorted(e.at for e in day.entries)
    expected = [e for d in result.days for e in d.entries if e.kind == "expected"]
    assert all(e.at >= now and e.dag_id == "daily" for e in expected)
    if now <= window.start:
        assert len(expected) == (window.last - window.first).days + 1
    assert result.unpredictable == []


@given(
    offsets=st.lists(
        st.tuples(st.integers(min_value=0, max_value=7 * 24 - 1), st.sampled_from(["a", "b"])),
        max_size=30,
    )
)
def test_calendars_of_one_window_merge_day_by_day(offsets: list[tuple[int, str]]) -> None:
    window = window_of(date(2026, 12, 2), "week", "Europe/Paris")
    now = window.start

    def of(deployment: str) -> Calendar:
        dags = [
            ScheduledDag(
                dag_id="daily", display_name="Daily", schedule="@daily", deployment=deployment
            )
        ]
        runs = [
            DagRun(
                run_id=f"{deployment}{i}",
                dag_id="daily",
                state="success",
                start_date=window.start + timedelta(hours=h),
                deployment=deployment,
            )
            for i, (h, d) in enumerate(offsets)
            if d == deployment
        ]
        return calendar(window, dags, runs, now=now)

    a, b = of("a"), of("b")
    both = merged([a, b])
    assert [d.day for d in both.days] == [d.day for d in a.days]
    for day, day_a, day_b in zip(both.days, a.days, b.days, strict=True):
        assert sorted(day.entries, key=repr) == sorted(day_a.entries + day_b.entries, key=repr)
        assert [e.at for e in day.entries] == sorted(e.at for e in day.entries)
        assert sum(day.counts.values()) == len(day.entries)
    assert {e.deployment for d in both.days for e in d.entries} <= {"a", "b"}
    with pytest.raises(ValueError):
        merged([a, of_month(window)])


def of_month(week: Window) -> Calendar:
    return calendar(window_of(week.first, "month", week.timezone), [], [], now=week.start)
