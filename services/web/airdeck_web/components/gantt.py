"""The Gantt tab of a run page: one row per task (a mapped task's instances under it once
expanded), each try a stacked segment, queued part lighter and running part coloured by its
state, a zoom on the time line, and the same tries readable as a table. Colours are theme
variables, so dark mode draws in its own shades.

The row labels are HTML beside the chart, one per chart row at the same height, so they can
hold buttons (expand, pages) and open the task drawer."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.components.badges import state_badge
from airdeck_web.components.overview import AXIS, GRID
from airdeck_web.components.tables import data_table
from airdeck_web.gantt_rows import QUEUED_FILL
from airdeck_web.states.gantt import GanttState

ROW_HEIGHT = 28
AXIS_HEIGHT = 30
BAR_SIZE = 16
LABELS_WIDTH = "320px"

# mypy resolves an rx.Field[dict] state var to an ArrayVar (it picks the wrong overload of
# Field.__get__); Reflex makes it an ObjectVar, so its lookups go through this Any.
HEAD: Any = GanttState.gantt_head


def _segment_bars(slot: Any) -> rx.Component:
    """The three stacked bars of one try slot: the gap before it, its queue, its run."""
    stacked = {"stack_id": "tries", "is_animation_active": False, "bar_size": BAR_SIZE}
    gap: rx.Component = rx.recharts.bar(data_key=slot["gap"], fill="transparent", **stacked)
    queued: rx.Component = rx.recharts.bar(
        data_key=slot["queued"], fill=QUEUED_FILL, name="queued", **stacked
    )
    running: rx.Component = rx.recharts.bar(
        rx.foreach(
            GanttState.gantt_rows,
            lambda row: rx.recharts.cell(fill=row[slot["fill"]].to(str)),
        ),
        data_key=slot["running"],
        name="running",
        **stacked,
    )
    bars: rx.Component = rx.fragment(gap, queued, running)
    return bars


def gantt_chart() -> rx.Component:
    chart: rx.Component = rx.recharts.bar_chart(
        rx.recharts.cartesian_grid(stroke=GRID, horizontal=False),
        rx.recharts.x_axis(
            type_="number",
            domain=GanttState.gantt_domain,
            allow_data_overflow=True,
            orientation="top",
            height=AXIS_HEIGHT,
            stroke=AXIS,
            tick={"fill": AXIS},
            unit=" s",
        ),
        rx.recharts.y_axis(type_="category", data_key="key", hide=True),
        rx.foreach(GanttState.gantt_slots, _segment_bars),
        data=GanttState.gantt_rows,
        layout="vertical",
        bar_category_gap=0,
        height=GanttState.gantt_rows.length() * ROW_HEIGHT + AXIS_HEIGHT,
        width="100%",
        # Room at the left for the first tick's label, centred on the axis's start.
        margin={"top": 0, "right": 24, "left": 12, "bottom": 0},
        id="gantt-chart",
    )
    return chart


def _pager(row: Any) -> rx.Component:
    return rx.hstack(
        rx.icon_button(
            rx.icon("chevron-left", size=14),
            size="1",
            variant="ghost",
            disabled=~row["has_previous"].to(bool),
            on_click=GanttState.turn_page(row["task_id"].to(str), -1),
            class_name="gantt-previous",
        ),
        rx.text(row["label"], size="1", color_scheme="gray"),
        rx.icon_button(
            rx.icon("chevron-right", size=14),
            size="1",
            variant="ghost",
            disabled=~row["has_next"].to(bool),
            on_click=GanttState.turn_page(row["task_id"].to(str), 1),
            class_name="gantt-next",
        ),
        align="center",
        spacing="1",
    )


def _label(row: Any) -> rx.Component:
    task_id, map_index = row["task_id"].to(str), row["map_index"].to(int)
    return rx.hstack(
        rx.cond(row["depth"].to(int) > 0, rx.box(width="20px", flex_shrink="0")),
        rx.cond(
            row["kind"] == "mapped",
            rx.icon_button(
                rx.cond(
                    row["expanded"].to(bool),
                    rx.icon("chevron-down", size=14),
                    rx.icon("chevron-right", size=14),
                ),
                size="1",
                variant="ghost",
                on_click=GanttState.toggle_mapped(task_id),
                class_name="gantt-expand",
                aria_label="Show or hide the instances",
            ),
        ),
        rx.cond(
            row["kind"] == "pager",
            _pager(row),
            rx.link(
                row["label"],
                on_click=GanttState.open_row(task_id, map_index),
                cursor="pointer",
                size="2",
                truncate=True,
            ),
        ),
        rx.text(row["counts"], row["tries"], size="1", color_scheme="gray", white_space="nowrap"),
        rx.spacer(),
        rx.text(row["took"], size="1", class_name="gantt-took", white_space="nowrap"),
        height=f"{ROW_HEIGHT}px",
        align="center",
        spacing="1",
        width="100%",
        overflow="hidden",
        title=row["detail"],
        class_name="gantt-row",
        data_task_id=task_id,
        data_map_index=map_index.to(str),
        data_kind=row["kind"],
        data_state=row["state"],
        data_live=row["live"].to(str),
    )


def _legend_item(fill: str, text: str) -> rx.Component:
    return rx.hstack(
        rx.box(width="14px", height="10px", background=fill, border_radius="2px"),
        rx.text(text, size="1", color_scheme="gray"),
        align="center",
        spacing="1",
    )


def _controls() -> rx.Component:
    return rx.hstack(
        rx.text("Time line ", HEAD["span"], size="2", id="gantt-span"),
        rx.cond(HEAD["live"], rx.badge("live", color_scheme="blue", variant="soft")),
        _legend_item(QUEUED_FILL, "queued"),
        _legend_item("var(--blue-9)", "running, coloured by state"),
        rx.spacer(),
        rx.text("Show ", HEAD["shown"], size="1", color_scheme="gray", id="gantt-shown"),
        rx.box(
            rx.slider(
                default_value=[0, 100],
                value=GanttState.gantt_zoom,
                min=0,
                max=100,
                step=1,
                size="1",
                on_change=GanttState.set_zoom,
                id="gantt-zoom",
            ),
            width="200px",
        ),
        rx.button("Whole run", size="1", variant="soft", on_click=GanttState.reset_zoom),
        rx.text("Show as table", size="2"),
        rx.switch(
            checked=GanttState.gantt_as_table,
            on_change=GanttState.set_gantt_as_table,
            id="gantt-as-table",
        ),
        align="center",
        width="100%",
        wrap="wrap",
    )


def _table_row(item: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(item["task"]),
        rx.table.cell(item["try"]),
        rx.table.cell(state_badge(item["state"])),
        rx.table.cell(item["queued_at"]),
        rx.table.cell(item["started_at"]),
        rx.table.cell(item["ended_at"]),
        rx.table.cell(item["queued_for"]),
        rx.table.cell(item["ran_for"], class_name="gantt-ran-for"),
        class_name="gantt-table-row",
    )


def _table() -> rx.Component:
    return data_table(
        ("Task", "Try", "State", "Queued", "Started", "Ended", "Queued for", "Ran for"),
        GanttState.gantt_table,
        _table_row,
        size="1",
        id="gantt-table",
    )


def _chart_with_labels() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.box(height=f"{AXIS_HEIGHT}px", flex_shrink="0"),
            rx.foreach(GanttState.gantt_rows, _label),
            width=LABELS_WIDTH,
            min_width=LABELS_WIDTH,
            spacing="0",
            id="gantt-labels",
        ),
        rx.box(gantt_chart(), flex="1", min_width="0"),
        width="100%",
        spacing="2",
        align="start",
    )


def gantt_tab() -> rx.Component:
    """The Gantt tab of a run page."""
    return rx.vstack(
        rx.cond(
            GanttState.gantt_error != "", rx.callout(GanttState.gantt_error, color_scheme="red")
        ),
        _controls(),
        rx.cond(
            GanttState.gantt_rows.length() > 0,
            rx.cond(GanttState.gantt_as_table, _table(), _chart_with_labels()),
            rx.center(
                rx.text("No task of this run has an instance yet.", color_scheme="gray"),
                padding="24px",
                width="100%",
                id="gantt-empty",
            ),
        ),
        width="100%",
        spacing="3",
        id="gantt",
    )
