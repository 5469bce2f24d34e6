"""The cross-run grid: a DAG's tasks down, its last runs across (oldest on the left), each cell
coloured by the task's state in that run. Groups fold under their own row; a mapped task's cell
counts its instances; a task's cell opens that run's page with the task's drawer open.

Only the rows around the viewport are drawn (see ``grid_rows``): the viewport reports where it
scrolled to, and a spacer as tall as every row keeps the scroll bar true.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import reflex as rx
from reflex_base.utils.types import ArgsSpec
from reflex_base.vars.base import Var
from reflex_components_core.el.elements.typography import Div
from reflex_components_core.react_router.dom import ReactRouterLink

from airdeck_web.components.badges import STATE_COLORS
from airdeck_web.grid_rows import ABSENT, ROW_HEIGHT
from airdeck_web.states.grid import GridState

LABEL_WIDTH = 300
MAX_INDENT = 10
"""Nesting levels that indent further (deeper groups are drawn at this depth)."""
CELL_WIDTH = 26
HEADER_HEIGHT = 30
SCROLL_THROTTLE_MS = 60


def _scroll_position(event: Var[Any]) -> tuple[Var[float], Var[float]]:
    """How far the box is scrolled down and how tall it shows, in pixels."""
    return (
        Var(f"{event}.currentTarget.scrollTop").to(float),
        Var(f"{event}.currentTarget.clientHeight").to(float),
    )


class GridViewport(Div):
    """A scrolling box that says where it scrolled to and how tall it is: its ``on_scroll``
    (while it scrolls) and ``on_scroll_end`` (once it stops) pass the scroll top and the
    height, in pixels."""

    @classmethod
    def get_event_triggers(cls) -> dict[str, ArgsSpec | Sequence[ArgsSpec]]:
        return {
            **super().get_event_triggers(),
            "on_scroll": _scroll_position,
            "on_scroll_end": _scroll_position,
        }


def _styles() -> dict[str, Any]:
    """The grid's look, as rules on its viewport: its rows and cells are plain elements that
    carry only a class and data attributes, since a thousand styled components each computing
    their own style cost the browser far more than one set of rules. Cells take the state
    badges' colours as theme variables (dark mode has its own shades); a state without a colour
    of its own is grey, a run without the task only outlined."""
    outline = {"outline": "2px solid var(--accent-9)", "outline_offset": "1px"}
    styles: dict[str, Any] = {
        "& .grid-header": {
            "position": "sticky",
            "top": "0",
            "z_index": "2",
            "height": f"{HEADER_HEIGHT}px",
            "background": "var(--color-panel-solid)",
            "border_bottom": "1px solid var(--gray-a5)",
        },
        "& .grid-row": {
            "display": "flex",
            "align_items": "center",
            "width": "max-content",
            "height": f"{ROW_HEIGHT}px",
        },
        "& .grid-label": {
            "display": "flex",
            "align_items": "center",
            "gap": "4px",
            "width": f"{LABEL_WIDTH}px",
            "min_width": f"{LABEL_WIDTH}px",
            "height": "100%",
            "padding_right": "8px",
            "position": "sticky",
            "left": "0",
            "z_index": "1",
            "background": "var(--color-panel-solid)",
            "color": "var(--gray-12)",
            "font_size": "var(--font-size-1)",
            "white_space": "nowrap",
        },
        "& .grid-header .grid-label": {"z_index": "3", "font_weight": "bold"},
        "& .grid-group .grid-label": {"font_weight": "bold"},
        "& .grid-name": {"overflow": "hidden", "text_overflow": "ellipsis"},
        "& .grid-toggle, & .grid-indent": {"width": "20px", "flex_shrink": "0"},
        "& .grid-toggle": {
            "all": "unset",
            "cursor": "pointer",
            "text_align": "center",
            "color": "var(--gray-11)",
        },
        "& .grid-toggle:focus-visible": outline,
        "& .grid-mapped": {
            "font_size": "10px",
            "padding": "0 4px",
            "border_radius": "3px",
            "background": "var(--accent-a3)",
            "color": "var(--accent-11)",
            "font_weight": "normal",
        },
        "& .grid-cell": {
            "display": "flex",
            "align_items": "center",
            "justify_content": "center",
            "flex_shrink": "0",
            "width": f"{CELL_WIDTH - 4}px",
            "height": f"{ROW_HEIGHT - 8}px",
            "margin": "0 2px",
            "border_radius": "3px",
            "background": "var(--gray-a6)",
            "color": "white",
            "font_size": "9px",
            "font_weight": "bold",
            "text_decoration": "none",
        },
        "& .grid-header .grid-cell": {"height": "10px"},
        "& a.grid-cell:hover, & a.grid-cell:focus-visible": outline,
    }
    styles.update(
        {
            f"& .grid-cell[data-state='{state}']": {"background": f"var(--{color}-9)"}
            for state, color in STATE_COLORS.items()
        }
    )
    styles[f"& .grid-cell[data-state='{ABSENT}']"] = {
        "background": "transparent",
        "box_shadow": "inset 0 0 0 1px var(--gray-a6)",
    }
    styles.update(
        {
            f"& .grid-label[data-depth='{depth}']": {"padding_left": f"{8 + depth * 16}px"}
            for depth in range(MAX_INDENT + 1)
        }
    )
    return styles


def _task_cell(row: Any, cell: Any, index: Var[int]) -> rx.Component:
    column = index.to(int)
    run_id = GridState.grid_run_ids[column].to(str)
    run_path = GridState.grid_run_paths[column].to(str)
    href = "/workflows/" + GridState.dag_id + "/runs/" + run_path + "?task=" + row["id"].to(str)
    state = cell["state"].to(str)
    # Reflex types rx.cond as returning Any.
    shown: rx.Component = rx.cond(
        state == ABSENT,
        rx.el.span(class_name="grid-cell", data_state=state, title=cell["tip"].to(str)),
        # React Router's own link: the run page opens without a page load.
        ReactRouterLink.create(
            cell["count"].to(str),
            to=href,
            class_name="grid-cell",
            data_state=state,
            data_task=row["id"].to(str),
            data_run=run_id,
            title=cell["tip"].to(str),
            aria_label=row["id"].to(str) + " in " + run_id + ": " + cell["tip"].to(str),
        ),
    )
    return shown


def _group_cell(cell: Any) -> rx.Component:
    return rx.el.span(
        class_name="grid-cell", data_state=cell["state"].to(str), title=cell["tip"].to(str)
    )


def _label(row: Any) -> rx.Component:
    row_id = row["id"].to(str)
    collapsed = row["collapsed"].to(bool)
    return rx.el.div(
        rx.cond(
            row["kind"].to(str) == "group",
            rx.el.button(
                rx.cond(collapsed, "▸", "▾"),
                on_click=GridState.toggle_group(row_id),
                aria_label=rx.cond(collapsed, "Expand ", "Collapse ") + row_id,
                aria_expanded=rx.cond(collapsed, "false", "true"),
                class_name="grid-toggle",
            ),
            rx.el.span(class_name="grid-indent"),
        ),
        rx.el.span(row["label"].to(str), class_name="grid-name", title=row_id),
        rx.cond(row["mapped"].to(bool), rx.el.span("mapped", class_name="grid-mapped")),
        class_name="grid-label",
        data_depth=rx.cond(row["depth"].to(int) > MAX_INDENT, MAX_INDENT, row["depth"].to(int)),
    )


def _row(row: Any) -> rx.Component:
    cells = row["cells"].to(list[dict[str, str]])
    is_group = row["kind"].to(str) == "group"
    return rx.el.div(
        _label(row),
        rx.cond(
            is_group,
            rx.foreach(cells, _group_cell),
            rx.foreach(cells, lambda cell, index: _task_cell(row, cell, index)),
        ),
        class_name=rx.cond(is_group, "grid-row grid-group", "grid-row"),
        data_row=row["id"].to(str),
        # Keyed by id, the rows already drawn stay when the window moves.
        key=row["id"].to(str),
    )


def _run_header(run: Any) -> rx.Component:
    return ReactRouterLink.create(
        to="/workflows/" + GridState.dag_id + "/runs/" + run["path"],
        class_name="grid-cell grid-run",
        data_state=run["state"],
        data_run=run["run_id"],
        title=run["tip"],
        aria_label=run["tip"],
    )


def _header() -> rx.Component:
    return rx.el.div(
        rx.el.div(
            rx.el.span("Task", class_name="grid-name"), class_name="grid-label", data_depth=0
        ),
        rx.foreach(GridState.grid_runs, _run_header),
        class_name="grid-row grid-header",
    )


def _viewport() -> rx.Component:
    viewport: rx.Component = GridViewport.create(
        _header(),
        rx.el.div(
            rx.el.div(
                rx.foreach(GridState.grid_rows, _row),
                position="absolute",
                top=(GridState.grid_start * ROW_HEIGHT).to(str) + "px",
                left="0",
            ),
            position="relative",
            height=(GridState.grid_total * ROW_HEIGHT).to(str) + "px",
            min_width="max-content",
        ),
        on_scroll=GridState.scrolled.throttle(SCROLL_THROTTLE_MS),
        on_scroll_end=GridState.scrolled,
        max_height="70vh",
        width="100%",
        overflow="auto",
        position="relative",
        border="1px solid var(--gray-a5)",
        border_radius="6px",
        style=_styles(),
        id="dag-grid",
    )
    return viewport


def grid_tab() -> rx.Component:
    """The Grid tab of a DAG page (``DagState`` fetches its grid each time it opens)."""
    return rx.vstack(
        rx.hstack(
            rx.text(
                GridState.grid_tasks,
                " tasks, the last ",
                GridState.grid_runs.length(),
                " runs, oldest on the left. A cell opens that run with the task's details.",
                size="2",
            ),
            rx.spacer(),
            rx.button(
                "Collapse groups",
                size="1",
                variant="soft",
                on_click=GridState.collapse_all,
                id="grid-collapse-all",
            ),
            rx.button(
                "Expand groups",
                size="1",
                variant="soft",
                on_click=GridState.expand_all,
                id="grid-expand-all",
            ),
            rx.button(
                "Refresh",
                size="1",
                variant="soft",
                on_click=GridState.refresh_grid,
                id="grid-refresh",
            ),
            align="center",
            width="100%",
        ),
        rx.cond(
            GridState.grid_error != "",
            rx.callout(GridState.grid_error, color_scheme="red", id="grid-error"),
        ),
        rx.cond(
            GridState.grid_dag == GridState.dag_id,
            rx.cond(
                GridState.grid_runs.length() == 0,
                rx.center(
                    rx.text("No runs yet.", color_scheme="gray"),
                    padding="24px",
                    width="100%",
                    id="grid-empty",
                ),
                _viewport(),
            ),
            # Another DAG's grid is never shown while this one's loads.
            rx.cond(
                GridState.grid_error == "",
                rx.center(rx.spinner(), padding="24px", width="100%", id="grid-loading"),
            ),
        ),
        width="100%",
        id="grid-tab",
    )
