"""A DAG's overview over its runs: spreads are ordered, rates are rates, mapped tasks count by
the wall clock, and the rankings and trends line up with the runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from airdeck_domain.analytics import overview, spread
from airdeck_domain.models import DagRun, TaskInstance

T0 = datetime(2026, 3, 1, tzinfo=UTC)
RUN_STATES = ["success", "failed", "running", "queued", None]
TASK_STATES = ["success", "failed", "running", "skipped", None]
seconds = st.floats(min_value=0, max_value=86_400, allow_nan=False)


@st.composite
def history(draw: st.DrawFn) -> tuple[list[DagRun], dict[str, list[TaskInstance]]]:
    """Runs with any mix of states and missing dates (some ending "before" they start, as
    skewed clocks do), each with plain and mapped task instances."""
    runs: list[DagRun] = []
    instances: dict[str, list[TaskInstance]] = {}
    for n in range(draw(st.integers(min_value=0, max_value=30))):
        run_id = f"run_{n}"
        queued = T0 + timedelta(hours=n)
        start = queued + timedelta(seconds=draw(seconds)) if draw(st.booleans()) else None
        end = (
            start + timedelta(seconds=draw(st.floats(-5, 7200, allow_nan=False)))
            if start and draw(st.booleans())
            else None
        )
        runs.append(
            DagRun(
                run_id=run_id,
                dag_id="d",
                state=draw(st.sampled_from(RUN_STATES)),
                run_after=queued if draw(st.booleans()) else None,
                queued_at=queued if draw(st.booleans()) else None,
                start_date=start,
                end_date=end,
            )
        )
        tis = []
        for task in draw(st.lists(st.sampled_from(["a", "b", "c"]), unique=True)):
            mapped = task == "c"
            for index in range(draw(st.integers(1, 6)) if mapped else 1):
                ti_start = queued + timedelta(seconds=draw(seconds))
                took = draw(st.one_of(st.none(), seconds))
                tis.append(
                    TaskInstance(
                        task_id=task,
                        map_index=index if mapped else -1,
                        state=draw(st.sampled_from(TASK_STATES)),
                        start_date=ti_start,
                        end_date=None if took is None else ti_start + timedelta(seconds=took),
                        duration=took,
                    )
                )
        instances[run_id] = tis
    return draw(st.permutations(runs)), instances


@settings(max_examples=200, deadline=None)
@given(st.lists(seconds, max_size=60))
def test_a_spread_is_ordered_and_made_of_observed_values(values: list[float]) -> None:
    found = spread(values)
    assert found.count == len(values)
    if not values:
        assert (found.median, found.p95, found.max) == (None, None, None)
        return
    assert found.median is not None and found.p95 is not None and found.max is not None
    assert min(values) <= found.median <= found.p95 <= found.max == max(values)
    assert found.p95 in values
    # At least 95% of the values are at or below the 95th percentile.
    assert sum(1 for v in values if v <= found.p95) >= 0.95 * len(values)


@settings(max_examples=200, deadline=None)
@given(history())
def test_overview_invariants(data: tuple[list[DagRun], dict[str, list[TaskInstance]]]) -> None:
    runs, instances = data
    result = overview("d", runs, instances, slowest=2)
    assert sorted(bar.run_id for bar in result.runs) == sorted(r.run_id for r in runs)
    # Oldest first: the dated runs are in time order.
    by_id = {r.run_id: r for r in runs}
    dated = [by_id[bar.run_id] for bar in result.runs]
    moments = [m for r in dated if (m := r.run_after or r.queued_at or r.start_date) is not None]
    assert moments == sorted(moments)
    undated = [r.run_after or r.queued_at or r.start_date for r in dated[: -len(moments) or None]]
    assert undated == [None] * (len(runs) - len(moments))
    for bar in result.runs:
        assert bar.duration is None or bar.duration >= 0
        assert bar.queue_delay is None or bar.queue_delay >= 0
        if bar.end_date is None:
            assert bar.duration is None
    finished = [r for r in runs if r.state in ("success", "failed")]
    assert result.finished == len(finished)
    assert result.succeeded == sum(1 for r in finished if r.state == "success")
    if finished:
        assert result.success_rate is not None and 0 <= result.success_rate <= 1
    else:
        assert result.success_rate is None
    assert result.duration.count <= result.finished
    for found in (result.duration, result.queue_delay):
        if found.count:
            assert found.median is not None and found.p95 is not None and found.max is not None
            assert 0 <= found.median <= found.p95 <= found.max
    assert len(result.slowest_tasks) <= 2
    medians = [t.spread.median for t in result.slowest_tasks]
    assert all(m is not None for m in medians)
    assert medians == sorted(medians, reverse=True)  # type: ignore[type-var]
    for trend in result.slowest_tasks:
        assert len(trend.durations) == len(result.runs)
        assert all(d is None or d >= 0 for d in trend.durations)
        assert trend.spread.count == sum(1 for d in trend.durations if d is not None)
        for bar, took in zip(result.runs, trend.durations, strict=True):
            if took is not None:
                assert any(ti.task_id == trend.task_id for ti in instances[bar.run_id])


def test_empty_history() -> None:
    result = overview("d", [], {})
    assert result.runs == [] and result.slowest_tasks == []
    assert (result.finished, result.succeeded, result.success_rate) == (0, 0, None)
    assert result.duration.count == result.queue_delay.count == 0


def test_a_mapped_task_counts_its_wall_clock_span_per_run() -> None:
    """Three instances side by side, 60 s each within one 70 s window: 70 s, not 180 s."""
    run = DagRun(
        run_id="r",
        dag_id="d",
        state="success",
        queued_at=T0,
        start_date=T0 + timedelta(seconds=4),
        end_date=T0 + timedelta(seconds=100),
    )
    tis = [
        TaskInstance(
            task_id="process",
            map_index=i,
            state="success",
            start_date=T0 + timedelta(seconds=10 + 5 * i),
            end_date=T0 + timedelta(seconds=70 + 5 * i),
            duration=60.0,
        )
        for i in range(3)
    ] + [TaskInstance(task_id="make", state="success", duration=2.0)]
    result = overview("d", [run], {"r": tis})
    (bar,) = result.runs
    assert (bar.duration, bar.queue_delay) == (96.0, 4.0)
    assert [(t.task_id, t.is_mapped, t.durations) for t in result.slowest_tasks] == [
        ("process", True, [70.0]),
        ("make", False, [2.0]),
    ]
    assert result.success_rate == 1.0


def test_rates_spreads_and_trends_over_several_runs() -> None:
    runs = []
    instances: dict[str, list[TaskInstance]] = {}
    for n, (state, took) in enumerate(
        [("success", 10), ("failed", 30), ("success", 20), ("running", None)]
    ):
        start = T0 + timedelta(hours=n)
        runs.append(
            DagRun(
                run_id=f"r{n}",
                dag_id="d",
                state=state,
                run_after=start,
                queued_at=start - timedelta(seconds=n),
                start_date=start,
                end_date=None if took is None else start + timedelta(seconds=took),
            )
        )
        instances[f"r{n}"] = [
            TaskInstance(task_id="t", state="success", duration=float(n + 1)),
        ]
    result = overview("d", list(reversed(runs)), instances)
    assert [b.run_id for b in result.runs] == ["r0", "r1", "r2", "r3"]
    assert [b.duration for b in result.runs] == [10.0, 30.0, 20.0, None]
    assert (result.finished, result.succeeded) == (3, 2)
    assert result.success_rate == 2 / 3
    assert (result.duration.median, result.duration.p95, result.duration.max) == (20, 30, 30)
    assert (result.queue_delay.median, result.queue_delay.max) == (1.5, 3.0)
    (trend,) = result.slowest_tasks
    assert trend.durations == [1.0, 2.0, 3.0, 4.0]
