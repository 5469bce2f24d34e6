"""/workflows: every DAG the user may see."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.components.alerts import alert_badge
from airdeck_web.components.badges import state_badge
from airdeck_web.components.deployments import deployments_health, row_badge
from airdeck_web.components.layout import layout
from airdeck_web.components.tables import sortable_header
from airdeck_web.components.times import relative_time
from airdeck_web.states.workflows import PAGE_SIZES, WorkflowsState

HEALTH_COLORS = {
    "healthy": "#2e7d32",
    "degraded": "#f9a825",
    "unhealthy": "#c62828",
    "unknown": "#9e9e9e",
}

# mypy resolves an rx.Field[dict] state var to an ArrayVar (it picks the wrong overload of
# Field.__get__); Reflex makes it an ObjectVar, so its lookups carry a type: ignore.


def health_dot(part: str) -> rx.Component:
    status = WorkflowsState.health.get(part, "unknown")  # type: ignore[attr-defined]
    return rx.tooltip(
        rx.hstack(
            rx.box(
                width="10px",
                height="10px",
                border_radius="50%",
                background=rx.match(status, *list(HEALTH_COLORS.items()), "#9e9e9e"),
            ),
            rx.text(part.replace("_", " "), size="1"),
            align="center",
            spacing="1",
            class_name=f"health-{part}",
        ),
        content=WorkflowsState.health_detail.get(part, part),  # type: ignore[attr-defined]
    )


def sortable(title: str, column: str) -> rx.Component:
    """A header cell that orders the whole list (every page) by ``column``, by mouse or
    keyboard."""
    return sortable_header(
        title, column, WorkflowsState.sort_by, WorkflowsState.sort_desc, WorkflowsState.sort(column)
    )


def filter_input(name: str, placeholder: str, width: str) -> rx.Component:
    """A free-text filter of the list, applied once typing pauses."""
    return rx.input(
        placeholder=placeholder,
        value=getattr(WorkflowsState, name),
        on_change=WorkflowsState.set_filter(name).debounce(300),
        aria_label=placeholder.removesuffix("…"),
        id=name,
        width=width,
    )


def dag_row(dag: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.icon_button(
                rx.cond(dag["is_favorite"], rx.icon("star", fill="gold"), rx.icon("star")),
                variant="ghost",
                on_click=WorkflowsState.toggle_favorite(
                    dag["dag_id"], dag["is_favorite"], dag["deployment"]
                ),
                class_name="favorite",
                aria_label="favorite",
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.link(
                    dag["dag_id"],
                    href="/workflows/" + dag["dag_id"] + dag["deployment_query"],
                    class_name="dag-link",
                ),
                row_badge(dag),
                alert_badge(dag["alert_rules"]),
                align="center",
                spacing="2",
            ),
            rx.cond(
                dag["display_name"] != dag["dag_id"],
                rx.text(dag["display_name"], size="2"),
            ),
            rx.text(dag["tag_text"], size="1", color_scheme="gray"),
        ),
        rx.table.cell(rx.text(dag["schedule_description"])),
        rx.table.cell(relative_time(dag["last_when"], dag["last_exact"])),
        rx.table.cell(state_badge(dag["last_state"])),
        rx.table.cell(relative_time(dag["next_when"], dag["next_exact"])),
        rx.table.cell(
            rx.cond(
                dag["is_paused"],
                rx.badge("paused", color_scheme="gray", high_contrast=True),
                rx.badge("active", color_scheme="green", high_contrast=True),
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    WorkflowsState.can_trigger,
                    rx.link(
                        rx.button("Trigger", size="1", class_name="trigger-button"),
                        href="/workflows/" + dag["dag_id"] + dag["deployment_query"] + "&trigger=1",
                    ),
                ),
                rx.cond(
                    WorkflowsState.can_pause,
                    rx.button(
                        rx.cond(dag["is_paused"], "Unpause", "Pause"),
                        size="1",
                        variant="soft",
                        class_name="pause-button",
                        on_click=WorkflowsState.toggle_pause(
                            dag["dag_id"], dag["is_paused"], dag["deployment"]
                        ),
                    ),
                ),
            )
        ),
        class_name="dag-row",
        data_dag_id=dag["dag_id"],
        data_deployment=dag["deployment"],
    )


def workflows() -> rx.Component:
    """The dashboard."""
    return layout(
        rx.hstack(
            rx.heading("DAGs", size="7"),
            rx.spacer(),
            rx.cond(
                WorkflowsState.shows_health_bar,
                rx.hstack(
                    *[health_dot(p) for p in ("scheduler", "db", "dag_processor", "triggerer")],
                    align="center",
                    spacing="4",
                ),
            ),
            align="center",
            spacing="4",
        ),
        deployments_health(),
        rx.cond(
            WorkflowsState.banner != "",
            rx.callout(WorkflowsState.banner, color_scheme="red", margin_y="12px", id="banner"),
        ),
        rx.foreach(
            WorkflowsState.unavailable,
            lambda down: rx.callout(
                "Deployment '"
                + down["deployment"]
                + "' is unavailable, its DAGs are not listed: "
                + down["message"],
                color_scheme="amber",
                margin_y="4px",
                class_name="deployment-unavailable",
                data_deployment=down["deployment"],
            ),
        ),
        rx.hstack(
            filter_input("search", "Search DAG id…", "260px"),
            filter_input("tag", "Tag", "120px"),
            filter_input("owner", "Owner", "120px"),
            filter_input("team", "Team", "120px"),
            filter_input("environment", "Environment", "130px"),
            rx.select(
                ["all", "active", "paused"],
                value=WorkflowsState.status,
                on_change=WorkflowsState.set_status,
                custom_attrs={"aria-label": "Status"},
                id="status",
            ),
            rx.checkbox(
                "Favorites only",
                checked=WorkflowsState.favorites_only,
                on_change=WorkflowsState.toggle_favorites_only,
                id="favorites-only",
            ),
            rx.spacer(),
            rx.button("Refresh", on_click=WorkflowsState.load, variant="soft"),
            margin_y="16px",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            WorkflowsState.dags.length() > 0,
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell(""),
                        sortable("DAG", "dag_id"),
                        rx.table.column_header_cell("Schedule"),
                        sortable("Last run", "last_run"),
                        sortable("State", "last_run_state"),
                        sortable("Next run", "next_run"),
                        rx.table.column_header_cell("Status"),
                        rx.table.column_header_cell(""),
                    )
                ),
                rx.table.body(rx.foreach(WorkflowsState.dags, dag_row)),
                width="100%",
                id="dag-table",
            ),
            rx.center(
                rx.text("No DAGs match these filters.", color_scheme="gray"),
                padding="40px",
                id="empty",
            ),
        ),
        rx.hstack(
            rx.button(
                "Previous",
                on_click=WorkflowsState.go_to_page((WorkflowsState.page - 1).to(int)),
                disabled=WorkflowsState.page <= 1,
                variant="soft",
                id="previous-page",
            ),
            rx.text(
                "Page ",
                WorkflowsState.page,
                " of ",
                WorkflowsState.pages,
                " · ",
                WorkflowsState.total,
                " DAGs",
                id="pager",
            ),
            rx.button(
                "Next",
                on_click=WorkflowsState.go_to_page((WorkflowsState.page + 1).to(int)),
                disabled=WorkflowsState.page >= WorkflowsState.pages,
                variant="soft",
                id="next-page",
            ),
            rx.select(
                list(PAGE_SIZES),
                value=WorkflowsState.page_size,
                on_change=WorkflowsState.set_page_size,
                id="page-size",
                custom_attrs={"aria-label": "DAGs per page"},
                size="1",
            ),
            rx.text("per page", size="1", color_scheme="gray"),
            justify="center",
            align="center",
            margin_top="16px",
        ),
    )
