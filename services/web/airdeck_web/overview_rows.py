"""What the DAG overview's charts and tables show of the API's overview: one row per run and
per task, with human times beside the seconds the charts plot, and theme colours that follow
light and dark mode."""

from __future__ import annotations

from typing import Any

from airdeck_web.components.badges import STATE_COLORS
from airdeck_web.models import OverviewFigures, OverviewRun, OverviewTask
from airdeck_web.timefmt import duration, exact


def state_fill(state: str | None) -> str:
    """The theme colour (a Radix CSS variable, so dark mode has its own shade) of a state."""
    return f"var(--{STATE_COLORS.get(state or 'none', 'gray')}-9)"


def run_rows(overview: dict[str, Any]) -> list[OverviewRun]:
    """One row per run, oldest first: ``seconds`` for the bar (None: not ended), its label,
    state colour and human duration and queue delay."""
    rows: list[OverviewRun] = []
    for n, run in enumerate(overview.get("runs") or [], start=1):
        started = run.get("start_date")
        rows.append(
            {
                "run_id": run["run_id"],
                "label": f"#{n}",
                "state": run.get("state") or "none",
                "fill": state_fill(run.get("state")),
                "seconds": run.get("duration"),
                "took": duration(run.get("duration")),
                "queued_for": duration(run.get("queue_delay")),
                "started": started or "",
                "started_exact": exact(started),
            }
        )
    return rows


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def headline(overview: dict[str, Any]) -> OverviewFigures:
    """The figures above the chart, as text, and the reference lines' positions (``0`` and no
    label when no run finished)."""
    spread = overview.get("duration") or {}
    queue = overview.get("queue_delay") or {}
    finished = int(overview.get("finished") or 0)
    has_spread = spread.get("median") is not None
    return {
        "success_rate": _percent(overview.get("success_rate")),
        "success_detail": f"{overview.get('succeeded') or 0} of {finished} finished runs",
        "median": duration(spread.get("median")),
        "p95": duration(spread.get("p95")),
        "queue_median": duration(queue.get("median")),
        "queue_p95": duration(queue.get("p95")),
        "has_spread": has_spread,
        # Recharts takes any number; Reflex types a reference line's position as an int.
        "median_seconds": spread.get("median") or 0,
        "p95_seconds": spread.get("p95") or 0,
        "median_label": f"median {duration(spread.get('median'))}" if has_spread else "",
        "p95_label": f"p95 {duration(spread.get('p95'))}" if has_spread else "",
        "runs": len(overview.get("runs") or []),
    }


def task_rows(overview: dict[str, Any]) -> list[OverviewTask]:
    """The slowest tasks, slowest first: their spread as text and their trend, one point per
    run (``seconds`` None where the task did not finish in that run)."""
    rows: list[OverviewTask] = []
    for task in overview.get("slowest_tasks") or []:
        spread = task.get("spread") or {}
        durations = task.get("durations") or []
        rows.append(
            {
                "task_id": task["task_id"],
                "mapped": "mapped" if task.get("is_mapped") else "",
                "median": duration(spread.get("median")),
                "p95": duration(spread.get("p95")),
                "max": duration(spread.get("max")),
                "trend": [
                    {"label": f"#{n}", "seconds": seconds}
                    for n, seconds in enumerate(durations, start=1)
                ],
                "trend_text": " · ".join(duration(seconds) for seconds in durations),
            }
        )
    return rows
