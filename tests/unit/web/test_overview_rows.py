"""What the DAG overview shows of the API's answer: a row per run and per task, human times,
theme colours, and reference lines only when some run finished."""

from __future__ import annotations

from typing import Any

from airdeck_web.overview_rows import headline, run_rows, state_fill, task_rows

OVERVIEW: dict[str, Any] = {
    "dag_id": "d",
    "runs": [
        {"run_id": "r1", "state": "success", "start_date": None, "duration": 83.2},
        {"run_id": "r2", "state": "failed", "duration": 20.0, "queue_delay": 1.5},
        {"run_id": "r3", "state": None, "duration": None},
    ],
    "finished": 2,
    "succeeded": 1,
    "success_rate": 0.5,
    "duration": {"count": 2, "median": 51.6, "p95": 83.2, "max": 83.2},
    "queue_delay": {"count": 1, "median": 1.5, "p95": 1.5, "max": 1.5},
    "slowest_tasks": [
        {
            "task_id": "process",
            "is_mapped": True,
            "durations": [70.0, None, 3.0],
            "spread": {"count": 2, "median": 36.5, "p95": 70.0, "max": 70.0},
        }
    ],
}


def test_a_row_per_run_with_its_colour_and_times() -> None:
    rows = run_rows(OVERVIEW)
    assert [(r["label"], r["run_id"], r["state"]) for r in rows] == [
        ("#1", "r1", "success"),
        ("#2", "r2", "failed"),
        ("#3", "r3", "none"),
    ]
    assert [r["seconds"] for r in rows] == [83.2, 20.0, None]
    assert [r["took"] for r in rows] == ["1m 23s", "20.0s", "—"]
    assert rows[1]["queued_for"] == "1.5s"
    assert rows[0]["fill"] == "var(--green-9)" and rows[2]["fill"] == "var(--gray-9)"


def test_state_colours_are_theme_variables() -> None:
    assert state_fill("failed") == "var(--red-9)"
    assert state_fill("some_new_state") == "var(--gray-9)"


def test_headline_figures_and_reference_lines() -> None:
    figures = headline(OVERVIEW)
    assert figures["success_rate"] == "50%"
    assert figures["success_detail"] == "1 of 2 finished runs"
    assert (figures["median"], figures["p95"]) == ("51.6s", "1m 23s")
    assert figures["has_spread"] and figures["median_seconds"] == 51.6
    assert figures["p95_label"] == "p95 1m 23s"
    empty = headline({"runs": [], "duration": {"count": 0}})
    assert empty["success_rate"] == "—" and not empty["has_spread"]
    assert (empty["median_seconds"], empty["median_label"]) == (0, "")


def test_slowest_tasks_with_a_point_per_run() -> None:
    (row,) = task_rows(OVERVIEW)
    assert (row["task_id"], row["mapped"], row["median"]) == ("process", "mapped", "36.5s")
    assert row["trend"] == [
        {"label": "#1", "seconds": 70.0},
        {"label": "#2", "seconds": None},
        {"label": "#3", "seconds": 3.0},
    ]
    assert row["trend_text"] == "1m 10s · — · 3.0s"
