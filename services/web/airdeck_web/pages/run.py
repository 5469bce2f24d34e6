"""/workflows/[dag_id]/runs/[run_id]: the run's graph and grid, and the task drawer."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.components.badges import state_badge
from airdeck_web.components.graph import graph_view
from airdeck_web.components.layout import layout
from airdeck_web.components.logs import log_viewer
from airdeck_web.states.run import RunState


def grid_row(task: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                task["task_id"], on_click=RunState.select_task(task["task_id"]), cursor="pointer"
            )
        ),
        rx.table.cell(task["operator"].to(str)),
        rx.table.cell(state_badge(task["state"])),
        rx.table.cell(task["try_number"], " / ", task["max_tries"].to(int) + 1),
        rx.table.cell(task["took"]),
        rx.table.cell(
            rx.cond(
                task["is_mapped"],
                rx.text("[", task["map_count"], "] ", task["counts"], size="1"),
                "",
            )
        ),
        class_name="grid-row",
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
                        rx.button("✕", variant="ghost", on_click=RunState.close_drawer),
                        width="100%",
                    ),
                    rx.hstack(
                        state_badge(task["state"].to(str)),
                        rx.text(task["operator"].to(str), size="2"),
                        rx.text(
                            "try ",
                            task["try_number"],
                            " of ",
                            task["max_tries"].to(int) + 1,
                            size="2",
                        ),
                        rx.text(task["took"].to(str), size="2"),
                        rx.text(
                            "pool ",
                            task["pool"].to(str),
                            " · queue ",
                            task["queue"].to(str),
                            size="2",
                        ),
                        wrap="wrap",
                    ),
                    rx.cond(
                        RunState.instances.length() > 0,
                        rx.hstack(
                            rx.text("Map index", size="2"),
                            rx.select.root(
                                rx.select.trigger(),
                                rx.select.content(
                                    rx.foreach(
                                        RunState.instances,
                                        lambda i: rx.select.item(
                                            i["map_index"].to(str) + " · " + i["state"].to(str),
                                            value=i["map_index"].to(str),
                                        ),
                                    )
                                ),
                                value=RunState.map_index.to(str),
                                on_change=RunState.pick_instance,
                            ),
                            align="center",
                        ),
                    ),
                    rx.cond(
                        RunState.can_clear,
                        rx.hstack(
                            rx.button(
                                "Clear & retry",
                                size="1",
                                on_click=RunState.clear_task,
                                id="clear-task",
                            ),
                            rx.button(
                                "Mark success",
                                size="1",
                                variant="soft",
                                color_scheme="green",
                                on_click=RunState.mark("success"),
                            ),
                            rx.button(
                                "Mark failed",
                                size="1",
                                variant="soft",
                                color_scheme="red",
                                on_click=RunState.mark("failed"),
                            ),
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
                right="0",
                top="0",
                background_color="var(--color-panel-solid)",
                id="drawer",
            )
        ),
        open=RunState.drawer_open,
        on_open_change=RunState.set_drawer_open,
        direction="right",
    )


def run_page() -> rx.Component:
    return layout(
        rx.cond(RunState.error != "", rx.callout(RunState.error, color_scheme="red")),
        rx.hstack(
            rx.link("← ", RunState.dag_id, href="/workflows/" + RunState.dag_id),
            rx.heading(RunState.run_id, size="5", id="run-title"),
            state_badge(RunState.run["state"].to(str)),
            rx.text(RunState.run["took"].to(str)),
            align="center",
            wrap="wrap",
        ),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Graph", value="graph"), rx.tabs.trigger("Grid", value="grid")
            ),
            rx.tabs.content(
                graph_view(
                    RunState.nodes,
                    RunState.paths,
                    RunState.size["w"],
                    RunState.size["h"],
                    RunState.select_task,
                ),
                value="graph",
                padding_top="12px",
            ),
            rx.tabs.content(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(h)
                                for h in (
                                    "Task",
                                    "Operator",
                                    "State",
                                    "Tries",
                                    "Duration",
                                    "Mapped",
                                )
                            ]
                        )
                    ),
                    rx.table.body(rx.foreach(RunState.tasks, grid_row)),
                    width="100%",
                    id="grid",
                ),
                value="grid",
                padding_top="12px",
            ),
            default_value="graph",
            margin_top="16px",
        ),
        drawer(),
    )
