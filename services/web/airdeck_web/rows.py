"""What the tables show of the API's runs and task instances: a state even when Airflow has none
yet, and human times beside the raw ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from airdeck_web.models import InstanceRow, RunRow, TaskRow
from airdeck_web.timefmt import duration, exact

FAILED_STATES = frozenset({"failed", "upstream_failed"})
"""States a preview lists first: what a person most often clears or marks."""


def shown(item: Mapping[str, Any], duration_key: str) -> dict[str, Any]:
    """``item`` plus ``took`` (from its ``duration_key``), ``started`` (the ISO start, which
    the browser shows as "3 min ago") and ``started_exact`` (for the tooltip); a missing state
    reads ``none``."""
    return {
        **item,
        "state": item.get("state") or "none",
        "took": duration(item.get(duration_key)),
        "started": item.get("start_date") or "",
        "started_exact": exact(item.get("start_date")),
    }


def run_row(run: Mapping[str, Any]) -> RunRow:
    """A run of the API as the runs table and the run page's header show it."""
    return cast(RunRow, shown(run, "duration_seconds"))


def task_row(task: Mapping[str, Any]) -> TaskRow:
    """A task of a run's snapshot as the run page shows it: a mapped task's ``p50`` (its own
    duration is its wall-clock span; this is its median instance's) and ``counts`` by state."""
    counts = " ".join(f"{k}:{v}" for k, v in sorted((task.get("state_counts") or {}).items()))
    row = {**shown(task, "duration"), "p50": duration(task.get("p50_duration")), "counts": counts}
    return cast(TaskRow, row)


def instance_row(instance: Mapping[str, Any]) -> InstanceRow:
    """One instance of a mapped task, as the drawer lists it."""
    return cast(InstanceRow, shown(instance, "duration"))


def preview_rows(instances: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Task instances as an action's preview lists them, failed ones first: task id, map
    index (blank for a task that is not mapped) and state."""
    rows = [
        {
            "task_id": str(ti["task_id"]),
            "map_index": "" if ti.get("map_index", -1) < 0 else str(ti["map_index"]),
            "state": str(ti.get("state") or "none"),
        }
        for ti in instances
    ]
    return sorted(rows, key=lambda row: row["state"] not in FAILED_STATES)
