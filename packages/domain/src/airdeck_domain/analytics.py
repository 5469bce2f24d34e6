"""How a DAG behaves over its recent runs: durations, success rate, queue delay, slow tasks.

Computed from the runs and their task instances as Airflow gives them; no clock is read, so
a run still going has no duration yet. Percentiles are nearest-rank: every one is a duration
some run really had.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import msgspec

from airdeck_domain.mapped import wall_clock
from airdeck_domain.models import FINISHED_RUN_STATES, DagRun, TaskInstance

SLOWEST_TASKS = 10
"""How many tasks an overview ranks as the slowest, by default."""


class Spread(msgspec.Struct, kw_only=True):
    """A distribution of seconds: ``median`` ≤ ``p95`` ≤ ``max``; all None when ``count`` is 0."""

    count: int = 0
    median: float | None = None
    p95: float | None = None
    max: float | None = None


class RunBar(msgspec.Struct, kw_only=True):
    """One run as the duration chart draws it."""

    run_id: str
    state: str | None
    start_date: datetime | None = None
    end_date: datetime | None = None
    duration: float | None = None
    """Seconds from start to end; None while the run has not ended (or never started)."""
    queue_delay: float | None = None
    """Seconds from being queued to starting; None when either is unknown."""


class TaskTrend(msgspec.Struct, kw_only=True):
    """One task's duration over the runs, for a ranking and a sparkline."""

    task_id: str
    is_mapped: bool = False
    durations: list[float | None]
    """Seconds per run, in the order of ``DagOverview.runs`` (None: no finished instance)."""
    spread: Spread


class DagOverview(msgspec.Struct, kw_only=True):
    """A DAG's recent runs, oldest first, and what they say together."""

    dag_id: str
    runs: list[RunBar]
    finished: int
    """Runs that ended (success or failed); only they count in the rate and the spread."""
    succeeded: int
    success_rate: float | None
    """``succeeded / finished`` in [0, 1]; None before any run finished."""
    duration: Spread
    """Durations of the finished runs."""
    queue_delay: Spread
    """Queued → started, of every run that started."""
    slowest_tasks: list[TaskTrend]
    """The tasks with the longest median duration first (ties by task id)."""


def _seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return max((end - start).total_seconds(), 0.0)


def spread(values: Sequence[float]) -> Spread:
    """Count, median, nearest-rank 95th percentile and maximum of ``values``."""
    if not values:
        return Spread()
    ordered = sorted(values)
    rank = max(math.ceil(0.95 * len(ordered)), 1)
    return Spread(
        count=len(ordered),
        median=statistics.median(ordered),
        p95=ordered[rank - 1],
        max=ordered[-1],
    )


def run_bar(run: DagRun) -> RunBar:
    """What the chart shows of one run."""
    ended = run.end_date is not None
    duration = _seconds(run.start_date, run.end_date) if ended else None
    if duration is None and ended and run.duration_seconds is not None:
        duration = max(run.duration_seconds, 0.0)
    return RunBar(
        run_id=run.run_id,
        state=run.state,
        start_date=run.start_date,
        end_date=run.end_date,
        duration=duration,
        queue_delay=_seconds(run.queued_at, run.start_date),
    )


def task_trends(
    run_ids: Sequence[str], instances: Mapping[str, Sequence[TaskInstance]]
) -> list[TaskTrend]:
    """Each task's wall-clock duration (``mapped.wall_clock``) in each of ``run_ids``, slowest
    median first. A mapped task counts once per run, from its first start to its last end."""
    per_task: dict[str, dict[str, list[TaskInstance]]] = {}
    for run_id in run_ids:
        for ti in instances.get(run_id, ()):
            per_task.setdefault(ti.task_id, {}).setdefault(run_id, []).append(ti)
    trends = []
    for task_id, by_run in per_task.items():
        durations = [wall_clock(by_run[run_id]) if run_id in by_run else None for run_id in run_ids]
        trends.append(
            TaskTrend(
                task_id=task_id,
                is_mapped=any(ti.map_index >= 0 for tis in by_run.values() for ti in tis),
                durations=durations,
                spread=spread([d for d in durations if d is not None]),
            )
        )
    trends.sort(key=lambda t: (-(t.spread.median or -1.0), t.task_id))
    return trends


def _chronological(run: DagRun) -> tuple[bool, datetime, str]:
    moment = run.run_after or run.logical_date or run.queued_at or run.start_date
    # Runs without any date sort first, so the newest dated runs stay on the right.
    return (moment is not None, moment or datetime.min, run.run_id)


def oldest_first(runs: Iterable[DagRun]) -> list[DagRun]:
    """``runs`` ordered by when they were to run (``run_after``, else their logical date,
    queue time or start), oldest first; runs without any of these dates come first."""
    return sorted(runs, key=_chronological)


def overview(
    dag_id: str,
    runs: Sequence[DagRun],
    instances: Mapping[str, Sequence[TaskInstance]],
    *,
    slowest: int = SLOWEST_TASKS,
) -> DagOverview:
    """The overview of ``runs`` (any order) with their task ``instances`` by run id.

    Runs are ordered oldest first by when they were to run (``run_after``, else their logical
    date, queue time or start). Duration spread and success rate count finished runs only;
    queue delay every run that started. ``slowest`` tasks are ranked.
    """
    ordered = oldest_first(runs)
    bars = [run_bar(run) for run in ordered]
    finished = [bar for bar in bars if bar.state in FINISHED_RUN_STATES]
    succeeded = sum(1 for bar in finished if bar.state == "success")
    trends = task_trends([run.run_id for run in ordered], instances)
    return DagOverview(
        dag_id=dag_id,
        runs=bars,
        finished=len(finished),
        succeeded=succeeded,
        success_rate=succeeded / len(finished) if finished else None,
        duration=spread([bar.duration for bar in finished if bar.duration is not None]),
        queue_delay=spread([bar.queue_delay for bar in bars if bar.queue_delay is not None]),
        slowest_tasks=[t for t in trends if t.spread.count][: max(slowest, 0)],
    )
