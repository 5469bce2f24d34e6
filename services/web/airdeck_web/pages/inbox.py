"""/inbox: the human-in-the-loop requests waiting for a person in the DAGs they may see, oldest
first, each opening its request to answer."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.components.inbox import request_dialog
from airdeck_web.components.layout import layout
from airdeck_web.components.tables import data_table
from airdeck_web.components.times import relative_time
from airdeck_web.states.inbox import InboxState


def _row(action: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(
                action["subject"],
                href="#",
                on_click=InboxState.open_action(
                    action["dag_id"], action["run_id"], action["task_id"], action["map_index"]
                ).prevent_default,
                class_name="inbox-open",
            )
        ),
        rx.table.cell(rx.link(action["dag_label"], href=action["dag_href"])),
        rx.table.cell(rx.text(action["run_id"], size="1", word_break="break-all")),
        rx.table.cell(rx.code(action["task_id"])),
        rx.table.cell(relative_time(action["since"], action["since_exact"])),
        class_name="inbox-row",
        data_run_id=action["run_id"],
        data_task_id=action["task_id"],
    )


def _pager() -> rx.Component:
    return rx.hstack(
        rx.button(
            "Previous",
            on_click=InboxState.step(-1),
            disabled=InboxState.page <= 1,
            variant="soft",
            id="inbox-previous",
        ),
        rx.text("Page ", InboxState.page, " of ", InboxState.pages, size="2", id="inbox-page"),
        rx.button(
            "Next",
            on_click=InboxState.step(1),
            disabled=InboxState.page >= InboxState.pages,
            variant="soft",
            id="inbox-next",
        ),
        align="center",
    )


def inbox_page() -> rx.Component:
    """The waiting requests with a DAG filter and pages; a row opens its request."""
    return layout(
        rx.vstack(
            rx.hstack(
                rx.heading("Inbox", size="6"),
                rx.text(InboxState.total, " waiting", color_scheme="gray", id="inbox-total"),
                rx.spacer(),
                rx.select(
                    InboxState.dag_choices,
                    value=InboxState.dag_filter,
                    on_change=InboxState.filter_dag,
                    id="inbox-dag",
                    custom_attrs={"aria-label": "DAG"},
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                InboxState.error != "",
                rx.callout(
                    InboxState.error,
                    color_scheme="red",
                    icon="triangle_alert",
                    id="inbox-list-error",
                ),
            ),
            rx.cond(
                InboxState.notice != "",
                rx.callout(InboxState.notice, color_scheme="green", size="1", id="inbox-notice"),
            ),
            data_table(
                ["Request", "DAG", "Run", "Task", "Waiting since"],
                InboxState.actions,
                _row,
                id="inbox-table",
            ),
            rx.cond(
                InboxState.total == 0,
                rx.text(
                    "Nothing is waiting for a response.", color_scheme="gray", id="inbox-empty"
                ),
            ),
            _pager(),
            spacing="3",
            width="100%",
        ),
        request_dialog(),
    )
