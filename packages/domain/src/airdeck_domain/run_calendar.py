"""The schedule calendar: when each DAG will run next (from its schedule) and how its past runs
ended, laid out day by day over a week or a month."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
from croniter import croniter

from airdeck_domain.errors import InvalidInputError
from airdeck_domain.models import DagRun
from airdeck_domain.schedule import PRESETS

CalendarView = Literal["week", "month"]

MAX_EXPECTED_PER_DAY = 24
"""The most expected runs listed for one DAG on one day: a DAG running every minute would
otherwise list 1,440 a day; the day names it among its ``crowded`` DAGs instead."""


class Window(msgspec.Struct, frozen=True, kw_only=True):
    """The days a calendar covers, ``first`` to ``last`` inclusive, in ``timezone``."""

    view: CalendarView
    first: date
    last: date
    timezone: str

    @property
    def start(self) -> datetime:
        """The first instant of ``first``, in the window's time zone."""
        return datetime.combine(self.first, time(), ZoneInfo(self.timezone))

    @property
    def end(self) -> datetime:
        """The first instant after ``last``, in the window's time zone."""
        return datetime.combine(self.last + timedelta(days=1), time(), ZoneInfo(self.timezone))


class ScheduledDag(msgspec.Struct, frozen=True, kw_only=True):
    """What the calendar needs of a DAG: its schedule, the time zone its cron reads in, and
    Airflow's own next run (the only prediction for schedules cron can't read)."""

    dag_id: str
    display_name: str
    schedule: str | None
    deployment: str = "default"
    timezone: str = "UTC"
    is_paused: bool = False
    next_run: datetime | None = None


class CalendarEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One run on the calendar: a past or current one (``kind="run"``, with its state) or one
    the schedule says is coming (``kind="expected"``)."""

    dag_id: str
    display_name: str
    at: datetime
    kind: Literal["run", "expected"]
    deployment: str = "default"
    state: str | None = None
    run_id: str | None = None


class CalendarDay(msgspec.Struct, frozen=True, kw_only=True):
    """One day of the calendar: its entries in time order, and counts by outcome."""

    day: date
    entries: list[CalendarEntry]
    counts: dict[str, int]
    crowded: list[str] = msgspec.field(default_factory=list)
    """DAGs expected to run more often that day than ``entries`` lists (see
    ``MAX_EXPECTED_PER_DAY``)."""


class Calendar(msgspec.Struct, frozen=True, kw_only=True):
    """A week or month of runs, past and expected, day by day."""

    view: CalendarView
    timezone: str
    first: date
    last: date
    days: list[CalendarDay]
    unpredictable: list[str]
    """DAGs with a schedule cron can't read (assets, custom timetables): only Airflow's next
    run of each is shown."""


def zone(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; ``InvalidInputError`` naming it when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        message = f"Unknown time zone '{name}': use an IANA name such as 'Europe/Paris' or 'UTC'"
        raise InvalidInputError(message, errors={"tz": message}) from None


def window_of(day: date, view: CalendarView, timezone: str) -> Window:
    """The week (Monday to Sunday) holding ``day``, or its month widened to whole weeks, as a
    month view lays it out."""
    zone(timezone)
    if view == "week":
        first = day - timedelta(days=day.weekday())
        return Window(view=view, first=first, last=first + timedelta(days=6), timezone=timezone)
    month_first = day.replace(day=1)
    next_month = (month_first + timedelta(days=32)).replace(day=1)
    month_last = next_month - timedelta(days=1)
    first = month_first - timedelta(days=month_first.weekday())
    last = month_last + timedelta(days=6 - month_last.weekday())
    return Window(view=view, first=first, last=last, timezone=timezone)


def cron_of(schedule: str | None) -> str | None:
    """The cron expression of a schedule (presets included), None when cron can't read it."""
    if schedule is None:
        return None
    text = schedule.strip()
    expression = PRESETS.get(text.lower(), text)
    return expression if croniter.is_valid(expression) else None


def expected_times(
    dag: ScheduledDag,
    start: datetime,
    end: datetime,
    local: ZoneInfo,
    *,
    per_day: int = MAX_EXPECTED_PER_DAY,
) -> tuple[list[datetime], set[date]]:
    """The times in ``[start, end)`` the DAG's schedule fires, read in the DAG's time zone (so
    daylight saving moves them as Airflow does), at most ``per_day`` on one day of the ``local``
    calendar, and the days that had more. A paused DAG fires never; a schedule cron can't read
    fires at Airflow's ``next_run`` only."""
    if dag.is_paused:
        return [], set()
    expression = cron_of(dag.schedule)
    if expression is None:
        inside = dag.next_run is not None and start <= dag.next_run < end
        return ([dag.next_run] if inside and dag.next_run else []), set()
    try:
        dag_zone = ZoneInfo(dag.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        dag_zone = ZoneInfo("UTC")

    def ticks_from(moment: datetime) -> croniter:
        # croniter yields the ticks strictly after its start: start just before ``moment``.
        return croniter(expression, moment.astimezone(dag_zone) - timedelta(seconds=1))

    found: list[datetime] = []
    crowded: set[date] = set()
    ticks = ticks_from(start)
    day: date | None = None
    on_day = 0
    while True:
        tick: datetime = ticks.get_next(datetime)
        if tick >= end:
            break
        if tick < start:
            continue
        tick_day = tick.astimezone(local).date()
        if tick_day != day:
            day, on_day = tick_day, 0
        if on_day == per_day:
            crowded.add(tick_day)
            # Skip the rest of a crowded day instead of walking through every tick of it.
            ticks = ticks_from(datetime.combine(tick_day + timedelta(days=1), time(), local))
            continue
        found.append(tick)
        on_day += 1
    return found, crowded


def calendar(
    window: Window,
    dags: Iterable[ScheduledDag],
    runs: Sequence[DagRun],
    *,
    now: datetime,
) -> Calendar:
    """The calendar of ``window``: each run of ``runs`` (of the given DAGs only) on the day it
    started (or was due, for one not started), and each DAG's expected runs from ``now`` on,
    all in the window's time zone."""
    local = ZoneInfo(window.timezone)
    by_id = {dag.dag_id: dag for dag in dags}
    entries: list[CalendarEntry] = []
    crowded: dict[date, list[str]] = {}
    for run in runs:
        dag = by_id.get(run.dag_id)
        at = run.start_date or run.run_after or run.logical_date or run.queued_at
        if dag is None or at is None or not window.start <= at < window.end:
            continue
        entries.append(
            CalendarEntry(
                dag_id=dag.dag_id,
                display_name=dag.display_name,
                at=at.astimezone(local),
                kind="run",
                deployment=dag.deployment,
                state=run.state,
                run_id=run.run_id,
            )
        )
    upcoming_from = max(window.start, now)
    unpredictable: list[str] = []
    for dag in by_id.values():
        if dag.schedule is not None and cron_of(dag.schedule) is None:
            unpredictable.append(dag.dag_id)
        times, crowded_days = expected_times(dag, upcoming_from, window.end, local)
        entries.extend(
            CalendarEntry(
                dag_id=dag.dag_id,
                display_name=dag.display_name,
                at=t.astimezone(local),
                kind="expected",
                deployment=dag.deployment,
            )
            for t in times
        )
        for day in crowded_days:
            crowded.setdefault(day, []).append(dag.dag_id)
    days: dict[date, list[CalendarEntry]] = {}
    for entry in sorted(entries, key=lambda e: (e.at, e.dag_id)):
        days.setdefault(entry.at.date(), []).append(entry)
    span = (window.last - window.first).days + 1
    return Calendar(
        view=window.view,
        timezone=window.timezone,
        first=window.first,
        last=window.last,
        days=[
            CalendarDay(
                day=day,
                entries=days.get(day, []),
                counts=_counts(days.get(day, [])),
                crowded=sorted(crowded.get(day, [])),
            )
            for day in (window.first + timedelta(days=i) for i in range(span))
        ],
        unpredictable=sorted(unpredictable),
    )


def merged(calendars: Sequence[Calendar]) -> Calendar:
    """One calendar of several of the same window (one per deployment): each day's entries
    together in time order, its counts added, its crowded DAGs and the unpredictable ones
    together. Raises ``ValueError`` for calendars of different windows, or none."""
    first, *rest = calendars
    if any(
        (c.view, c.first, c.last, c.timezone)
        != (first.view, first.first, first.last, first.timezone)
        for c in rest
    ):
        raise ValueError("only calendars of one window merge")
    days = []
    for same_day in zip(*(c.days for c in calendars), strict=True):
        entries = sorted(
            (e for d in same_day for e in d.entries), key=lambda e: (e.at, e.dag_id, e.deployment)
        )
        days.append(
            CalendarDay(
                day=same_day[0].day,
                entries=entries,
                counts=_counts(entries),
                crowded=sorted({dag for d in same_day for dag in d.crowded}),
            )
        )
    return Calendar(
        view=first.view,
        timezone=first.timezone,
        first=first.first,
        last=first.last,
        days=days,
        unpredictable=sorted({dag for c in calendars for dag in c.unpredictable}),
    )


def _counts(entries: Iterable[CalendarEntry]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for entry in entries:
        key = "expected" if entry.kind == "expected" else (entry.state or "none")
        counts[key] = counts.get(key, 0) + 1
    return counts
