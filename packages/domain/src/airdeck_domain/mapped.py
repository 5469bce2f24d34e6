"""Per-task summaries of a run: plain tasks as they are, mapped tasks aggregated."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence

from airdeck_domain.graph import CycleError, build_graph, topological_order
from airdeck_domain.models import Task, TaskInstance, TaskSummary

ACTIVE_STATES: frozenset[str] = frozenset(
    {
        "running",
        "queued",
        "scheduled",
        "up_for_retry",
        "up_for_reschedule",
        "deferred",
        "restarting",
    }
)
"""States of an instance that has not finished yet."""


def aggregate_state(counts: dict[str | None, int]) -> str | None:
    """The state of a mapped task from how many of its instances are in each state.

    Any failed → failed; else any active (running, queued …) → running; all in one state →
    that state (all success → success); no instances → None; otherwise → partial.
    """
    present = [state for state, n in counts.items() if n > 0]
    if not present:
        return None
    if "failed" in present:
        return "failed"
    if any(state in ACTIVE_STATES for state in present):
        return "running"
    if len(present) == 1:
        return present[0]
    return "partial"


def wall_clock(instances: Sequence[TaskInstance]) -> float | None:
    """How long a task took in one run, in seconds, as a clock on the wall saw it.

    A plain task: its instance's duration (its end minus its start when Airflow gave none).
    A mapped task: from its first instance's start to its last instance's end, however many
    ran side by side (their durations summed would exceed the run's); None before any ended.
    Never negative: a clock skew between workers counts as 0.
    """
    if len(instances) == 1 and instances[0].map_index < 0 and instances[0].duration is not None:
        return max(instances[0].duration, 0.0)
    starts = [ti.start_date for ti in instances if ti.start_date is not None]
    ends = [ti.end_date for ti in instances if ti.end_date is not None]
    if not starts or not ends:
        return None
    return max((max(ends) - min(starts)).total_seconds(), 0.0)


def _summarize_one(task_id: str, group: Sequence[TaskInstance], mapped: bool) -> TaskSummary:
    first = group[0]
    if not mapped:
        return TaskSummary(
            task_id=task_id,
            state=first.state,
            start_date=first.start_date,
            end_date=first.end_date,
            duration=first.duration,
            try_number=first.try_number,
            max_tries=first.max_tries,
            operator=first.operator,
            pool=first.pool,
            queue=first.queue,
            map_index=first.map_index,
        )
    counts: Counter[str | None] = Counter(ti.state for ti in group)
    starts = [ti.start_date for ti in group if ti.start_date is not None]
    ends = [ti.end_date for ti in group if ti.end_date is not None]
    durations = [ti.duration for ti in group if ti.duration is not None]
    return TaskSummary(
        task_id=task_id,
        state=aggregate_state(dict(counts)),
        is_mapped=True,
        map_count=len(group),
        state_counts={
            str(state or "none"): n
            for state, n in sorted(counts.items(), key=lambda item: str(item[0]))
        },
        start_date=min(starts) if starts else None,
        end_date=max(ends) if ends else None,
        duration=wall_clock(group),
        p50_duration=statistics.median(durations) if durations else None,
        try_number=max(ti.try_number for ti in group),
        max_tries=max(ti.max_tries for ti in group),
        operator=first.operator,
        pool=first.pool,
        queue=first.queue,
    )


def summarize(
    instances: Iterable[TaskInstance], tasks: Sequence[Task] | None = None
) -> list[TaskSummary]:
    """One summary per task id.

    Instances with ``map_index`` ≥ 0 (or of a task marked ``is_mapped``) are aggregated: counts
    per state, aggregate state, earliest start, latest end, wall-clock duration (``wall_clock``)
    and median duration per instance (``p50_duration``). Order:
    the DAG's execution order when ``tasks`` are given (tasks without instances are left out),
    else the order in which task ids first appear.
    """
    groups: dict[str, list[TaskInstance]] = {}
    for ti in instances:
        groups.setdefault(ti.task_id, []).append(ti)
    mapped_tasks = {t.task_id for t in tasks or () if t.is_mapped}
    order = list(groups)
    if tasks:
        try:
            ranked = topological_order(build_graph(tasks))
        except CycleError:
            ranked = [t.task_id for t in tasks]
        position = {task_id: i for i, task_id in enumerate(ranked)}
        order.sort(key=lambda task_id: position.get(task_id, len(position)))
    return [
        _summarize_one(
            task_id,
            groups[task_id],
            task_id in mapped_tasks or any(ti.map_index >= 0 for ti in groups[task_id]),
        )
        for task_id in order
    ]
