"""A run's Gantt: every try of every task instance on one time line, split into the time it
waited in the queue and the time it ran; a mapped task as one row spanning its instances,
which it lists only when asked to (``expand``).

Times are seconds from the Gantt's ``origin``: the run's start, or the earliest moment a try
was queued or started when that is earlier (a cleared run keeps its earlier tries). A try still
queued or running ends at ``now``, which the caller passes in: the domain reads no clock, and
a Gantt in which nothing is live does not depend on ``now`` at all (``as_of`` is None), so the
same run gives the same answer until something in it changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime

import msgspec

from airdeck_domain.mapped import ACTIVE_STATES, aggregate_state
from airdeck_domain.models import FINISHED_RUN_STATES, DagRun, TaskInstance


class GanttBar(msgspec.Struct, kw_only=True):
    """One try on the time line, in seconds from the Gantt's origin.

    The queued part runs from ``queued`` to ``started`` (to ``ended`` for a try that never
    started); the running part from ``started`` to ``ended``. A part whose ends are unknown is
    left out (None). ``live``: the try is still queued or running, so it ends at the Gantt's
    ``as_of`` and grows with it. Always ``0 ≤ queued ≤ started ≤ ended`` where they are given.
    """

    try_number: int
    state: str | None
    queued_at: datetime | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    queued: float | None = None
    started: float | None = None
    ended: float | None = None
    live: bool = False
    queued_for: float | None = None
    """Seconds in the queue (queued → started, or → now while still queued)."""
    ran_for: float | None = None
    """Seconds running (started → ended, or → now while still running)."""


class GanttRow(msgspec.Struct, kw_only=True):
    """A task, or one instance of a mapped task.

    A task instance has one bar per try, oldest first. A mapped task has one bar from its first
    instance's queue or start to its last instance's end (each instance by its latest try),
    its aggregate ``state`` and counts per state; ``instances`` lists its instances by map
    index when the Gantt was asked to expand it (None otherwise).
    """

    task_id: str
    map_index: int = -1
    label: str
    state: str | None
    bars: list[GanttBar]
    is_mapped: bool = False
    map_count: int = 0
    state_counts: dict[str, int] = msgspec.field(default_factory=dict)
    instances: list[GanttRow] | None = None


class Gantt(msgspec.Struct, kw_only=True):
    """A run's Gantt: its rows in the order they began (rows that have not begun last, by task
    id), the ``origin`` every offset counts from, and ``span``, the seconds to the end of the
    last bar (or of the run, or ``as_of`` while the run goes on)."""

    run: DagRun
    origin: datetime | None
    as_of: datetime | None
    """The clock that live bars end at; None when nothing is live (the answer is final until
    the run changes)."""
    span: float
    rows: list[GanttRow]


class _Clock:
    """Seconds from the origin, and whether ``now`` was used for any of them."""

    def __init__(self, origin: datetime | None, now: datetime) -> None:
        self.origin = origin
        self.now = now
        self.used_now = False

    def at(self, moment: datetime | None) -> float | None:
        if moment is None or self.origin is None:
            return None
        return max((moment - self.origin).total_seconds(), 0.0)

    def now_at(self) -> float | None:
        self.used_now = True
        return self.at(self.now)


def _moments(instances: Iterable[TaskInstance]) -> Iterable[datetime]:
    for ti in instances:
        if ti.queued_at is not None:
            yield ti.queued_at
        if ti.start_date is not None:
            yield ti.start_date


def _lengths(bar: GanttBar) -> GanttBar:
    queue_end = bar.started if bar.started is not None else bar.ended
    if bar.queued is not None and queue_end is not None:
        bar.queued_for = queue_end - bar.queued
    if bar.started is not None and bar.ended is not None:
        bar.ran_for = bar.ended - bar.started
    return bar


def _try_bar(ti: TaskInstance, clock: _Clock) -> GanttBar:
    """One try of a task instance as a bar (see ``GanttBar``)."""
    started = clock.at(ti.start_date)
    queued = clock.at(ti.queued_at)
    if queued is not None and started is not None and queued > started:
        # A rescheduled sensor keeps its first start but is queued again at each poke: the
        # queue time then says nothing about how long this try waited.
        queued = None
    live = ti.end_date is None and ti.state in ACTIVE_STATES and (started, queued) != (None, None)
    ended: float | None = None
    if live:
        now = clock.now_at()
        ended = max(now or 0.0, started if started is not None else queued or 0.0)
    elif started is not None and ti.end_date is not None:
        # Clocks of different workers can disagree: a try never ends before it starts.
        ended = max(clock.at(ti.end_date) or 0.0, started)
    return _lengths(
        GanttBar(
            try_number=ti.try_number,
            state=ti.state,
            queued_at=ti.queued_at,
            start_date=ti.start_date,
            end_date=ti.end_date,
            queued=queued,
            started=started,
            ended=ended,
            live=live,
        )
    )


def tries_of(ti: TaskInstance, earlier: Sequence[TaskInstance]) -> list[TaskInstance]:
    """Every try of an instance, oldest first: the ``earlier`` ones Airflow kept (those before
    its current try, one per try number) and the instance itself as its current try."""
    by_number = {t.try_number: t for t in earlier if t.try_number < ti.try_number}
    return [by_number[n] for n in sorted(by_number)] + [ti]


def _span_bar(bars: Sequence[GanttBar], state: str | None, try_number: int) -> GanttBar:
    """One bar over ``bars``: from the earliest queue or start to the latest end (its moments
    those of the bars that give them)."""
    started = min((b.started for b in bars if b.started is not None), default=None)
    ended = max((b.ended for b in bars if b.ended is not None), default=None)
    queued = min((b.queued for b in bars if b.queued is not None), default=None)
    if queued is not None and started is not None and queued > started:
        queued = None
    if started is not None and ended is not None and ended < started:
        ended = None
    live = any(b.live for b in bars)
    return _lengths(
        GanttBar(
            try_number=try_number,
            state=state,
            queued_at=min((b.queued_at for b in bars if b.queued_at), default=None)
            if queued is not None
            else None,
            start_date=min((b.start_date for b in bars if b.start_date), default=None),
            end_date=None if live else max((b.end_date for b in bars if b.end_date), default=None),
            queued=queued,
            started=started,
            ended=ended,
            live=live,
        )
    )


def _instance_row(
    ti: TaskInstance, earlier: Sequence[TaskInstance], clock: _Clock, label: str
) -> GanttRow:
    return GanttRow(
        task_id=ti.task_id,
        map_index=ti.map_index,
        label=label,
        state=ti.state,
        bars=[_try_bar(t, clock) for t in tries_of(ti, earlier)],
    )


def _mapped_row(
    task_id: str,
    group: Sequence[TaskInstance],
    tries: Mapping[tuple[str, int], Sequence[TaskInstance]],
    clock: _Clock,
    expanded: bool,
) -> GanttRow:
    ordered = sorted(group, key=lambda ti: ti.map_index)
    counts: Counter[str | None] = Counter(ti.state for ti in ordered)
    state = aggregate_state(dict(counts))
    latest = [_try_bar(ti, clock) for ti in ordered]
    instances = None
    if expanded:
        instances = [
            _instance_row(
                ti,
                tries.get((task_id, ti.map_index), ()),
                clock,
                ti.rendered_map_index or str(ti.map_index),
            )
            for ti in ordered
        ]
    return GanttRow(
        task_id=task_id,
        label=task_id,
        state=state,
        bars=[_span_bar(latest, state, max(ti.try_number for ti in ordered))],
        is_mapped=True,
        map_count=len(ordered),
        state_counts={
            str(s or "none"): n for s, n in sorted(counts.items(), key=lambda item: str(item[0]))
        },
        instances=instances,
    )


def _began(row: GanttRow) -> tuple[bool, float, str]:
    moments = [m for b in row.bars for m in (b.queued, b.started) if m is not None]
    return (not moments, min(moments, default=0.0), row.task_id)


def _all_bars(row: GanttRow) -> Iterable[GanttBar]:
    yield from row.bars
    for child in row.instances or ():
        yield from child.bars


def gantt(
    run: DagRun,
    instances: Sequence[TaskInstance],
    tries: Mapping[tuple[str, int], Sequence[TaskInstance]],
    *,
    now: datetime,
    expand: Collection[str] = (),
) -> Gantt:
    """The Gantt of ``run`` from its task ``instances`` and their earlier ``tries`` (by task id
    and map index; any of them may be missing, and tries at or after an instance's current one
    are ignored), with live bars ending at ``now``.

    A task with any instance of map index ≥ 0 is mapped: one row, whose ``instances`` are
    listed when its id is in ``expand``. Offsets are never negative and never past ``span``.
    """
    every_try = [t for group in tries.values() for t in group]
    moments = [*_moments(instances), *_moments(every_try)]
    if run.start_date is not None:
        moments.append(run.start_date)
    clock = _Clock(min(moments, default=None), now)

    groups: dict[str, list[TaskInstance]] = {}
    for ti in instances:
        groups.setdefault(ti.task_id, []).append(ti)
    rows = []
    for task_id, group in groups.items():
        if any(ti.map_index >= 0 for ti in group):
            rows.append(_mapped_row(task_id, group, tries, clock, task_id in expand))
        else:
            ti = group[0]
            rows.append(_instance_row(ti, tries.get((task_id, ti.map_index), ()), clock, task_id))
    rows.sort(key=_began)

    ends = [
        m
        for row in rows
        for bar in _all_bars(row)
        for m in (bar.queued, bar.started, bar.ended)
        if m is not None
    ]
    if run.state in FINISHED_RUN_STATES:
        ends.append(clock.at(run.end_date) or 0.0)
    elif clock.origin is not None:
        ends.append(clock.now_at() or 0.0)
    return Gantt(
        run=run,
        origin=clock.origin,
        as_of=now if clock.used_now else None,
        span=max(ends, default=0.0),
        rows=rows,
    )


def mapped_task_ids(instances: Iterable[TaskInstance]) -> list[str]:
    """The ids of the mapped tasks among ``instances`` (those with a map index ≥ 0), sorted."""
    return sorted({ti.task_id for ti in instances if ti.map_index >= 0})
