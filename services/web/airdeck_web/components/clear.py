"""The clear dialog: what to clear with the task, the dry run's list of the task instances that
would be cleared (asked again at each change), and Confirm or Cancel."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.components.badges import state_badge
from airdeck_web.components.tables import data_table
from airdeck_web.states.clear import ClearState
from airdeck_web.states.run import RunState

CHOICE_LABELS = (
    ("include_downstream", "Downstream tasks", "clear-downstream"),
    ("include_upstream", "Upstream tasks", "clear-upstream"),
    ("only_failed", "Only failed ones", "clear-only-failed"),
)


def _choice(choice: str, label: str, element_id: str) -> rx.Component:
    return rx.checkbox(
        label,
        checked=getattr(ClearState, choice),
        on_change=lambda value: ClearState.choose(choice, value),
        id=element_id,
    )


def _preview_row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["task_id"]),
        rx.table.cell(row["map_index"]),
        rx.table.cell(state_badge(row["state"])),
        class_name="clear-row",
        data_task_id=row["task_id"],
    )


# Radix Themes leaves a dialog's overlay at the page's stacking level, under the task drawer
# (z-index 50, from Reflex's drawer): this dialog opens over the drawer, so it goes above it.
ABOVE_THE_DRAWER = ".rt-BaseDialogOverlay:has(#clear-dialog) { z-index: 60; }"


def clear_dialog() -> rx.Component:
    """Open over the drawer while a person decides what to clear."""
    # rx.fragment comes from a Reflex package without a py.typed marker, so mypy sees it untyped.
    dialog: rx.Component = rx.fragment(rx.el.style(ABOVE_THE_DRAWER), _dialog())
    return dialog


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Clear ", RunState.selected),
            rx.dialog.description("The task instances listed are cleared and run again.", size="2"),
            rx.hstack(
                *[_choice(*labels) for labels in CHOICE_LABELS],
                spacing="4",
                wrap="wrap",
                margin_y="12px",
            ),
            rx.cond(
                ClearState.clear_error != "",
                rx.callout(ClearState.clear_error, color_scheme="red", size="1", id="clear-error"),
            ),
            rx.text(
                ClearState.preview.length(),
                " task instance(s) would be cleared:",
                size="2",
                id="clear-count",
            ),
            rx.scroll_area(
                data_table(
                    ("Task", "Map index", "State"),
                    ClearState.preview,
                    _preview_row,
                    size="1",
                    id="clear-preview",
                ),
                max_height="320px",
                type="auto",
            ),
            rx.hstack(
                rx.button(
                    "Cancel",
                    variant="soft",
                    color_scheme="gray",
                    on_click=ClearState.cancel_clear,
                    id="clear-cancel",
                ),
                rx.button(
                    "Clear",
                    color_scheme="red",
                    # White on Radix's red is too faint (axe-core's contrast); its darkest red.
                    high_contrast=True,
                    on_click=ClearState.confirm_clear,
                    disabled=ClearState.preview.length() == 0,
                    id="clear-confirm",
                ),
                justify="end",
                margin_top="16px",
            ),
            max_width="560px",
            id="clear-dialog",
        ),
        open=ClearState.clear_open,
        # Escape or a click outside cancels too.
        on_open_change=ClearState.set_clear_open,
    )
