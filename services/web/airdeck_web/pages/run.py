"""/workflows/[dag_id]/runs/[run_id]: the run's graph, grid and Gantt, and the task drawer."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.components.badges import state_badge
from airdeck_web.components.clear import clear_dialog
from airdeck_web.components.gantt import gantt_tab
from airdeck_web.components.graph import graph_view
from airdeck_web.components.layout import layout
from airdeck_web.components.logs import log_viewer
from airdeck_web.components.run_actions import (
    run_action_dialog,
    run_actions_menu,
    run_note_and_outcome,
    task_mark_buttons,
)
from airdeck_web.components.tables import data_table
from airdeck_web.components.times import relative_time
from airdeck_web.states.clear import ClearState
from airdeck_web.states.gantt import GanttState
from airdeck_web.states.logs import LogState
from airdeck_web.states.run import RunState

# mypy resolves an rx.Field[dict] state var to an ArrayVar (it picks the wrong overload of
# Field.__get__); Reflex makes it an ObjectVar, so its lookups carry a type: ignore.


def grid_row(task: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                task["task_id"], on_click=LogState.select_task(task["task_id"]), cursor="pointer"
            )
        ),
        rx.table.cell(task["operator"]),
        rx.table.cell(state_badge(task["state"])),
        rx.table.cell(task["try_number"], " / ", task["max_tries"].to(int) + 1),
        rx.table.cell(
            task["took"],
            rx.cond(
                task["is_mapped"],
                rx.text("p50 ", task["p50"], " per instance", size="1", color_scheme="gray"),
            ),
            class_name="task-took",
        ),
        rx.table.cell(
            rx.cond(
                task["is_mapped"],
                rx.text("[", task["map_count"], "] ", task["counts"], size="1"),
                "",
            )
        ),
        class_name="grid-row",
    )


def _detail(label: str, value: rx.Component) -> rx.Component:
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))


def instance_row(instance: Any) -> rx.Component:
    index = instance["map_index"]
    return rx.table.row(
        rx.table.cell(index),
        rx.table.cell(state_badge(instance["state"])),
        rx.table.cell(instance["try_number"]),
        rx.table.cell(instance["took"]),
        on_click=LogState.pick_instance(index),
        cursor="pointer",
        background=rx.cond(RunState.map_index == index, "var(--accent-a4)", "transparent"),
        class_name="instance-row",
        data_map_index=index.to(str),
    )


def instances_table() -> rx.Component:
    """A mapped task's instances: pick one to see its details and log."""
    return rx.vstack(
        rx.text(
            "Mapped instances (showing ",
            RunState.instances.length(),
            " of ",
            RunState.instances_total,
            "; click one for its log)",
            size="2",
            weight="bold",
        ),
        rx.scroll_area(
            data_table(
                ("Index", "State", "Try", "Took"), RunState.instances, instance_row, size="1"
            ),
            max_height="180px",
            type="auto",
        ),
        width="100%",
        spacing="1",
        id="instances",
    )


def drawer() -> rx.Component:
    task = RunState.selected_task
    return rx.drawer.root(
        rx.drawer.overlay(),
        rx.drawer.portal(
            rx.drawer.content(
                rx.vstack(
                    rx.hstack(
                        rx.heading(RunState.selected, size="5", id="drawer-title"),
                        rx.spacer(),
                        rx.button("✕", variant="ghost", on_click=LogState.close_drawer),
                        width="100%",
                    ),
                    rx.data_list.root(
                        _detail("State", state_badge(task["state"].to(str))),
                        _detail("Operator", rx.text(task["operator"].to(str))),
                        _detail("Duration", rx.text(task["took"].to(str))),
                        rx.cond(
                            task["is_mapped"].to(bool),
                            _detail("Per instance (p50)", rx.text(task["p50"].to(str))),
                        ),
                        _detail(
                            "Try",
                            rx.text(
                                task["try_number"].to(str),
                                " of ",
                                (task["max_tries"].to(int) + 1).to(str),
                            ),
                        ),
                        _detail(
                            "Started",
                            relative_time(task["started"].to(str), task["started_exact"].to(str)),
                        ),
                        _detail("Pool", rx.text(task["pool"].to(str))),
                        _detail("Queue", rx.text(task["queue"].to(str))),
                        size="2",
                        id="task-details",
                    ),
                    rx.cond(RunState.instances.length() > 0, instances_table()),
                    rx.cond(
                        RunState.can_clear,
                        rx.hstack(
                            rx.button(
                                "Clear & retry…",
                                size="1",
                                on_click=ClearState.open_clear,
                                id="clear-task",
                            ),
                            task_mark_buttons(),
                        ),
                    ),
                    rx.cond(
                        RunState.action_message != "", rx.callout(RunState.action_message, size="1")
                    ),
                    rx.cond(
                        RunState.can_read_logs,
                        log_viewer(),
                        rx.text("Your role may not read logs.", color_scheme="gray"),
                    ),
                    spacing="3",
                    width="100%",
                ),
                padding="20px",
                width="min(760px, 90vw)",
                height="100%",
                # A slide-over at the right edge (Reflex's default stretches it edge to edge).
                left="auto",
                right="0",
                top="0",
                overflow_y="auto",
                box_shadow="-8px 0 24px rgba(0, 0, 0, 0.25)",
                background_color="var(--color-panel-solid)",
                aria_labelledby="drawer-title",
                id="drawer",
            )
        ),
        open=RunState.drawer_open,
        on_open_change=LogState.set_drawer_open,
        direction="right",
    )


def run_page() -> rx.Component:
    return layout(
        rx.cond(RunState.error != "", rx.callout(RunState.error, color_scheme="red")),
        rx.hstack(
            rx.link("← ", RunState.dag_id, href="/workflows/" + RunState.dag_id),
            rx.heading(RunState.run_id, size="5", id="run-title"),
            rx.box(state_badge(RunState.run["state"]), id="run-state"),  # type: ignore[call-overload]
            rx.text(RunState.run["took"], id="run-duration"),  # type: ignore[call-overload]
            relative_time(RunState.run["started"], RunState.run["started_exact"]),  # type: ignore[call-overload]
            rx.cond(
                RunState.version_text != "",
                rx.text(
                    RunState.version_text,
                    size="2",
                    color_scheme="gray",
                    title="The DAG version this run used, and the bundle that produced it",
                    id="run-version",
                ),
            ),
            rx.spacer(),
            run_actions_menu(),
            align="center",
            wrap="wrap",
            width="100%",
        ),
        run_note_and_outcome(),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Graph", value="graph"),
                rx.tabs.trigger("Grid", value="grid"),
                rx.tabs.trigger("Gantt", value="gantt"),
            ),
            rx.tabs.content(
                graph_view(
                    RunState.nodes,
                    RunState.edges,
                    LogState.click_node,
                    RunState.graph_key,
                    RunState.run.contains("run_id"),
                ),
                value="graph",
                padding_top="12px",
            ),
            rx.tabs.content(
                data_table(
                    ("Task", "Operator", "State", "Tries", "Duration", "Mapped"),
                    RunState.tasks,
                    grid_row,
                    id="grid",
                ),
                value="grid",
                padding_top="12px",
            ),
            rx.tabs.content(gantt_tab(), value="gantt", padding_top="12px"),
            value=RunState.tab,
            on_change=[RunState.show_tab, GanttState.follow_tab],
            margin_top="16px",
        ),
        drawer(),
        clear_dialog(),
        run_action_dialog(),
    )
