"""The DAG overview: run durations as bars coloured by state with median and p95 lines, the
success rate and queue delay, and the slowest tasks with their trend; each chart can be read
as a table instead. Colours are theme variables, so dark mode draws in its own shades."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.components.badges import state_badge
from airdeck_web.components.tables import data_table
from airdeck_web.components.times import relative_time
from airdeck_web.states.dag import OVERVIEW_SPANS, DagState

AXIS = "var(--gray-11)"
GRID = "var(--gray-a5)"
MEDIAN = "var(--gray-12)"
P95 = "var(--orange-10)"
TOOLTIP_STYLE = {
    "background": "var(--color-panel-solid)",
    "border": "1px solid var(--gray-a6)",
    "color": "var(--gray-12)",
}

# mypy resolves an rx.Field[dict] state var to an ArrayVar (it picks the wrong overload of
# Field.__get__); Reflex makes it an ObjectVar, so its lookups carry a type: ignore.
FIGURES: Any = DagState.overview_figures


def figure(label: str, value: Any, detail: Any, figure_id: str) -> rx.Component:
    return rx.card(
        rx.text(label, size="1", color_scheme="gray"),
        rx.heading(value, size="6", id=figure_id),
        rx.text(detail, size="1", color_scheme="gray"),
        min_width="180px",
    )


def figures() -> rx.Component:
    return rx.hstack(
        figure(
            "Success rate",
            FIGURES["success_rate"],
            FIGURES["success_detail"],
            "overview-success-rate",
        ),
        figure(
            "Duration (median · p95)",
            FIGURES["median"] + " · " + FIGURES["p95"],
            "of the finished runs",
            "overview-duration",
        ),
        figure(
            "Queue delay (median · p95)",
            FIGURES["queue_median"] + " · " + FIGURES["queue_p95"],
            "queued → started",
            "overview-queue-delay",
        ),
        spacing="3",
        wrap="wrap",
    )


def reference(y_key: str, label_key: str, color: str, position: str) -> rx.Component:
    shown = FIGURES["has_spread"]
    # Reflex types its recharts constructors as returning Any.
    line: rx.Component = rx.recharts.reference_line(
        rx.recharts.label(value=FIGURES[label_key].to(str), position=position, fill=color),
        y=FIGURES[y_key].to(int),
        stroke=rx.cond(shown, color, "transparent"),
        stroke_dasharray="6 4",
        if_overflow="extendDomain",
    )
    return line


def durations_chart() -> rx.Component:
    chart: rx.Component = rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke=GRID, vertical=False),
        rx.recharts.x_axis(data_key="label", stroke=AXIS, tick={"fill": AXIS}),
        rx.recharts.y_axis(stroke=AXIS, tick={"fill": AXIS}, unit=" s", width=70),
        rx.recharts.tooltip(
            content_style=TOOLTIP_STYLE,
            item_style={"color": "var(--gray-12)"},
            cursor={"fill": "var(--gray-a3)"},
        ),
        rx.recharts.bar(
            rx.foreach(DagState.overview_runs, lambda run: rx.recharts.cell(fill=run["fill"])),
            data_key="seconds",
            name="Duration (s)",
            max_bar_size=48,
            is_animation_active=False,
        ),
        # Labels at opposite ends, so equal median and p95 stay readable.
        reference("median_seconds", "median_label", MEDIAN, "insideBottomLeft"),
        reference("p95_seconds", "p95_label", P95, "insideTopRight"),
        data=DagState.overview_runs,
        height=280,
        width="100%",
        margin={"top": 16, "right": 16, "left": 8, "bottom": 8},
        id="overview-durations",
    )
    return chart


def run_row(run: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(run["label"]),
        rx.table.cell(
            rx.link(
                run["run_id"],
                href="/workflows/" + DagState.dag_id + "/runs/" + run["run_id"],
            )
        ),
        rx.table.cell(state_badge(run["state"])),
        rx.table.cell(relative_time(run["started"], run["started_exact"])),
        rx.table.cell(run["took"]),
        rx.table.cell(run["queued_for"]),
        class_name="overview-run-row",
    )


def runs_table() -> rx.Component:
    return data_table(
        ("#", "Run", "State", "Started", "Duration", "Queue delay"),
        DagState.overview_runs,
        run_row,
        size="1",
        id="overview-runs-table",
    )


def sparkline(task: Any) -> rx.Component:
    chart: rx.Component = rx.recharts.line_chart(
        rx.recharts.line(
            data_key="seconds",
            stroke="var(--accent-9)",
            dot=False,
            connect_nulls=True,
            is_animation_active=False,
        ),
        data=task["trend"],
        width=180,
        height=32,
        class_name="overview-sparkline",
    )
    return chart


def task_row(task: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.text(task["task_id"], weight="medium"),
            rx.text(task["mapped"], size="1", color_scheme="gray"),
        ),
        rx.table.cell(task["median"]),
        rx.table.cell(task["p95"]),
        rx.table.cell(task["max"]),
        rx.table.cell(
            rx.cond(
                DagState.overview_as_table,
                rx.text(task["trend_text"], size="1", font_family="monospace"),
                sparkline(task),
            )
        ),
        class_name="overview-task-row",
    )


def overview_tab() -> rx.Component:
    """The Overview tab of a DAG page."""
    return rx.vstack(
        rx.hstack(
            rx.text("Most recent runs, oldest first: ", FIGURES["runs"], size="2"),
            rx.spacer(),
            rx.text("Last", size="2"),
            rx.select(
                list(OVERVIEW_SPANS),
                value=DagState.overview_span,
                on_change=DagState.set_overview_span,
                id="overview-span",
                custom_attrs={"aria-label": "How many of the last runs"},
                size="1",
            ),
            rx.text("runs", size="2"),
            rx.text("Show as tables", size="2"),
            rx.switch(
                checked=DagState.overview_as_table,
                on_change=DagState.set_overview_as_table,
                aria_label="Show as tables",
                id="overview-as-table",
            ),
            align="center",
            width="100%",
        ),
        rx.cond(
            DagState.overview_runs.length() > 0,
            rx.vstack(
                figures(),
                rx.heading("Run duration", size="3"),
                rx.cond(DagState.overview_as_table, runs_table(), durations_chart()),
                rx.heading("Slowest tasks", size="3"),
                data_table(
                    ("Task", "Median", "p95", "Max", "Duration per run (oldest first)"),
                    DagState.overview_tasks,
                    task_row,
                    size="1",
                    id="overview-tasks",
                ),
                width="100%",
                spacing="3",
            ),
            rx.center(
                rx.text("No runs yet.", color_scheme="gray"),
                padding="24px",
                width="100%",
                id="overview-empty",
            ),
        ),
        width="100%",
        id="overview",
    )
