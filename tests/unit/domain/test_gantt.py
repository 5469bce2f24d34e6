"""A run's Gantt: bars never run backwards nor past the span, every try shows once in order, a
mapped row spans its instances, live bars grow with the clock and nothing else depends on it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import msgspec
from hypothesis import given, settings
from hypothesis import strategies as st

from airdeck_domain.gantt import Gantt, GanttBar, GanttRow, gantt, mapped_task_ids, tries_of
from airdeck_domain.models import DagRun, TaskInstance

T0 = datetime(2026, 3, 1, tzinfo=UTC)
RUN_STATES = ["success", "failed", "running", "queued"]
TASK_STATES = ["success", "failed", "running", "queued", "up_for_retry", "skipped", None]
offsets = st.floats(min_value=0, max_value=7200, allow_nan=False)
Case = tuple[DagRun, list[TaskInstance], dict[tuple[str, int], list[TaskInstance]], list[str]]


@st.composite
def moment(draw: st.DrawFn) -> datetime | None:
    return T0 + timedelta(seconds=draw(offsets)) if draw(st.booleans()) else None


@st.composite
def instance(draw: st.DrawFn, task_id: str, map_index: int, try_number: int) -> TaskInstance:
    """A try as Airflow may report it: any dates missing, an end before its start or a queue
    time after its start (skewed clocks, rescheduled sensors)."""
    start = draw(moment())
    end = draw(moment()) if draw(st.booleans()) else None
    return TaskInstance(
        task_id=task_id,
        map_index=map_index,
        state=draw(st.sampled_from(TASK_STATES)),
        queued_at=draw(moment()),
        start_date=start,
        end_date=end,
        try_number=try_number,
    )


@st.composite
def runs(draw: st.DrawFn) -> Case:
    """A run of plain tasks ``a`` and ``b`` and mapped ``m``, with earlier tries (some of them
    at or after an instance's current try, which Airflow's list of tries can hold)."""
    run = DagRun(
        run_id="r",
        dag_id="d",
        state=draw(st.sampled_from(RUN_STATES)),
        start_date=draw(moment()),
        end_date=draw(moment()),
    )
    instances: list[TaskInstance] = []
    tries: dict[tuple[str, int], list[TaskInstance]] = {}
    for task_id in draw(st.lists(st.sampled_from(["a", "b", "m"]), unique=True)):
        indexes = range(draw(st.integers(1, 5))) if task_id == "m" else [-1]
        for index in indexes:
            current = draw(st.integers(0, 4))
            instances.append(draw(instance(task_id, index, current)))
            numbers = draw(st.lists(st.integers(1, 5), max_size=4))
            if numbers:
                tries[(task_id, index)] = [draw(instance(task_id, index, n)) for n in numbers]
    expand = draw(st.lists(st.sampled_from(["m", "a"]), unique=True))
    return run, instances, tries, expand


def every_bar(result: Gantt) -> Iterator[tuple[GanttRow, GanttBar]]:
    for row in result.rows:
        for bar in row.bars:
            yield row, bar
        for child in row.instances or ():
            for bar in child.bars:
                yield child, bar


def build(case: Case, now: datetime) -> Gantt:
    run, instances, tries, expand = case
    return gantt(run, instances, tries, now=now, expand=expand)


@settings(max_examples=300, deadline=None)
@given(runs(), offsets)
def test_bars_run_forward_within_the_span(case: Case, later: float) -> None:
    result = build(case, T0 + timedelta(seconds=later))
    for _, bar in every_bar(result):
        ends = [m for m in (bar.queued, bar.started, bar.ended) if m is not None]
        assert ends == sorted(ends)
        assert all(0 <= m <= result.span for m in ends)
        if bar.ended is not None and bar.started is None:
            assert bar.queued is not None, "a bar that never started is all queue"
        assert bar.queued_for is None or bar.queued_for >= 0
        assert bar.ran_for is None or bar.ran_for >= 0
    if result.origin is not None:
        run, instances, tries, _ = case
        seen = [
            m
            for ti in [*instances, *(t for group in tries.values() for t in group)]
            for m in (ti.queued_at, ti.start_date)
            if m is not None
        ]
        assert all(result.origin <= m for m in seen)
        assert run.start_date is None or result.origin <= run.start_date


@settings(max_examples=300, deadline=None)
@given(runs())
def test_every_try_once_in_order_and_mapped_rows_span_their_instances(case: Case) -> None:
    _, instances, tries, expand = case
    result = build(case, T0 + timedelta(hours=3))
    assert sorted(row.task_id for row in result.rows) == sorted({ti.task_id for ti in instances})
    assert mapped_task_ids(instances) == sorted(r.task_id for r in result.rows if r.is_mapped)
    for row in result.rows:
        group = [ti for ti in instances if ti.task_id == row.task_id]
        if not row.is_mapped:
            (ti,) = group
            earlier = {
                t.try_number
                for t in tries.get((ti.task_id, -1), [])
                if t.try_number < ti.try_number
            }
            assert [b.try_number for b in row.bars] == [*sorted(earlier), ti.try_number]
            assert row.instances is None
            continue
        assert row.map_count == len(group) == sum(row.state_counts.values())
        (span,) = row.bars
        if row.task_id in expand:
            assert row.instances is not None
            assert [c.map_index for c in row.instances] == sorted(ti.map_index for ti in group)
            latest = [c.bars[-1] for c in row.instances]
            starts = [b.started for b in latest if b.started is not None]
            ends = [b.ended for b in latest if b.ended is not None]
            assert span.started == min(starts, default=None)
            if span.ended is not None:
                assert span.ended == max(ends)
            assert span.live == any(b.live for b in latest)
        else:
            assert row.instances is None
    # Rows that began come first, in the order they began.
    began = [
        min(m for b in r.bars for m in (b.queued, b.started) if m is not None)
        for r in result.rows
        if any(b.queued is not None or b.started is not None for b in r.bars)
    ]
    assert began == sorted(began)
    assert all(
        not any(b.queued is not None or b.started is not None for b in r.bars)
        for r in result.rows[len(began) :]
    )


@settings(max_examples=300, deadline=None)
@given(runs(), offsets, offsets)
def test_live_bars_grow_with_the_clock_and_nothing_else_moves(
    case: Case, first: float, wait: float
) -> None:
    before = build(case, T0 + timedelta(seconds=first))
    after = build(case, T0 + timedelta(seconds=first + wait))
    assert before.origin == after.origin
    assert after.span >= before.span
    if before.as_of is None:
        assert after == before, "a Gantt with nothing live does not depend on the clock"
        return
    for (_, old), (_, new) in zip(every_bar(before), every_bar(after), strict=True):
        assert (old.try_number, old.queued, old.started, old.live) == (
            new.try_number,
            new.queued,
            new.started,
            new.live,
        )
        if old.live and old.ended is not None:
            assert new.ended is not None and new.ended >= old.ended
        elif not old.live:
            assert new.ended == old.ended


def test_a_retried_task_queued_then_running_now() -> None:
    run = DagRun(run_id="r", dag_id="d", state="running", start_date=T0)
    first = TaskInstance(
        task_id="t",
        state="failed",
        try_number=1,
        queued_at=T0 + timedelta(seconds=1),
        start_date=T0 + timedelta(seconds=3),
        end_date=T0 + timedelta(seconds=10),
    )
    current = TaskInstance(
        task_id="t",
        state="running",
        try_number=2,
        queued_at=T0 + timedelta(seconds=12),
        start_date=T0 + timedelta(seconds=15),
    )
    # Airflow's list of tries holds the current one too, as it was when read.
    listed = msgspec.structs.replace(current, state="queued", start_date=None)
    result = gantt(run, [current], {("t", -1): [first, listed]}, now=T0 + timedelta(seconds=20))

    (row,) = result.rows
    assert [(b.try_number, b.state) for b in row.bars] == [(1, "failed"), (2, "running")]
    done, live = row.bars
    assert (done.queued, done.started, done.ended, done.live) == (1.0, 3.0, 10.0, False)
    assert (done.queued_for, done.ran_for) == (2.0, 7.0)
    assert (live.queued, live.started, live.ended, live.live) == (12.0, 15.0, 20.0, True)
    assert (live.queued_for, live.ran_for) == (3.0, 5.0)
    assert result.as_of == T0 + timedelta(seconds=20) and result.span == 20.0


def test_a_mapped_task_is_one_row_until_expanded() -> None:
    run = DagRun(
        run_id="r", dag_id="d", state="success", start_date=T0, end_date=T0 + timedelta(seconds=60)
    )
    instances = [
        TaskInstance(
            task_id="m",
            map_index=i,
            state="success" if i else "failed",
            start_date=T0 + timedelta(seconds=10 * i),
            end_date=T0 + timedelta(seconds=10 * i + 5),
            try_number=1,
            rendered_map_index=f"item {i}" if i == 1 else None,
        )
        for i in (2, 0, 1)
    ]
    collapsed = gantt(run, instances, {}, now=T0)
    (row,) = collapsed.rows
    assert (row.is_mapped, row.map_count, row.state, row.instances) == (True, 3, "failed", None)
    assert row.state_counts == {"failed": 1, "success": 2}
    (span,) = row.bars
    assert (span.started, span.ended) == (0.0, 25.0)
    assert (span.start_date, span.end_date) == (T0, T0 + timedelta(seconds=25))
    assert collapsed.as_of is None and collapsed.span == 60.0

    (expanded,) = gantt(run, instances, {}, now=T0, expand=["m"]).rows
    assert expanded.instances is not None
    assert [(c.map_index, c.label) for c in expanded.instances] == [
        (0, "0"),
        (1, "item 1"),
        (2, "2"),
    ]


def test_a_queued_run_has_no_time_line() -> None:
    run = DagRun(run_id="r", dag_id="d", state="queued")
    result = gantt(run, [TaskInstance(task_id="t", state=None)], {}, now=T0)
    assert (result.origin, result.as_of, result.span) == (None, None, 0.0)
    (row,) = result.rows
    assert [(b.queued, b.started, b.ended) for b in row.bars] == [(None, None, None)]


def test_tries_of_keeps_one_per_earlier_number() -> None:
    current = TaskInstance(task_id="t", try_number=3, state="running")
    earlier = [
        TaskInstance(task_id="t", try_number=2, state="failed"),
        TaskInstance(task_id="t", try_number=1, state="failed"),
        TaskInstance(task_id="t", try_number=3, state="queued"),
    ]
    assert [(t.try_number, t.state) for t in tries_of(current, earlier)] == [
        (1, "failed"),
        (2, "failed"),
        (3, "running"),
    ]
