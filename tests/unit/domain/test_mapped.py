"""Mapped-task aggregation: counts add up and the aggregate state follows its rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from airdeck_domain.mapped import ACTIVE_STATES, aggregate_state, summarize
from airdeck_domain.models import Task, TaskInstance

STATES = [
    "success",
    "failed",
    "running",
    "queued",
    "skipped",
    "upstream_failed",
    "up_for_retry",
    "scheduled",
    None,
]
T0 = datetime(2026, 1, 1, tzinfo=UTC)


@st.composite
def mapped_run(draw: st.DrawFn) -> list[TaskInstance]:
    states = draw(st.lists(st.sampled_from(STATES), min_size=1, max_size=300))
    return [
        TaskInstance(
            task_id="process",
            map_index=i,
            state=state,
            start_date=T0 + timedelta(seconds=i) if state else None,
            end_date=T0 + timedelta(seconds=2 * i + 1) if state else None,
            duration=float(i + 1) if state else None,
        )
        for i, state in enumerate(states)
    ]


@settings(max_examples=200, deadline=None)
@given(mapped_run())
def test_counts_sum_to_instances_and_state_follows_rules(instances: list[TaskInstance]) -> None:
    (summary,) = summarize(instances)
    assert summary.is_mapped and summary.map_count == len(instances)
    assert sum(summary.state_counts.values()) == len(instances)
    states = {ti.state for ti in instances}
    if "failed" in states:
        assert summary.state == "failed"
    elif states & ACTIVE_STATES:
        assert summary.state == "running"
    elif states == {"success"}:
        assert summary.state == "success"
    elif len(states) == 1:
        assert summary.state == (next(iter(states)))
    else:
        assert summary.state == "partial"
    started = [ti.start_date for ti in instances if ti.start_date]
    if started:
        assert summary.start_date == min(started)
        assert summary.end_date == max(ti.end_date for ti in instances if ti.end_date)
        # The wall-clock span: never longer than first start to last end, never negative,
        # and never shorter than the longest instance.
        assert summary.duration is not None and summary.start_date and summary.end_date
        span = (summary.end_date - summary.start_date).total_seconds()
        assert 0 <= summary.duration == span
        assert summary.p50_duration is not None and summary.p50_duration <= span
    else:
        assert summary.duration is None


def test_durations_and_execution_order() -> None:
    tasks = [
        Task(task_id="make", label="make", downstream_task_ids=["process"]),
        Task(task_id="process", label="process", is_mapped=True, downstream_task_ids=["sum"]),
        Task(task_id="sum", label="sum"),
    ]
    instances = [
        TaskInstance(task_id="sum", state="success", duration=1.0),
        *(
            TaskInstance(
                task_id="process",
                map_index=i,
                state="success",
                start_date=T0 + timedelta(seconds=i),
                end_date=T0 + timedelta(seconds=i + d),
                duration=float(d),
            )
            for i, d in enumerate([1, 2, 10])
        ),
        TaskInstance(task_id="make", state="success", duration=0.5),
    ]
    summaries = summarize(instances, tasks)
    assert [s.task_id for s in summaries] == ["make", "process", "sum"]
    # Side by side, the three instances (1 s, 2 s and 10 s) took 12 s of wall clock, not 13.
    assert summaries[1].duration == 12.0
    assert summaries[1].p50_duration == 2.0
    assert summaries[0].duration == 0.5
    assert summaries[0].is_mapped is False


def test_mapped_task_with_one_instance_is_still_mapped() -> None:
    (summary,) = summarize([TaskInstance(task_id="p", map_index=0, state="success")])
    assert summary.is_mapped and summary.map_count == 1


def test_aggregate_state_edge_cases() -> None:
    assert aggregate_state({}) is None
    assert aggregate_state({"success": 3, "skipped": 1}) == "partial"
    assert aggregate_state({"skipped": 2}) == "skipped"
    assert aggregate_state({"failed": 1, "running": 5}) == "failed"
    assert aggregate_state({"success": 1, "deferred": 1}) == "running"
