"""The clear dialog: what to clear with the task (or, over the whole run, whether only its
failed tasks), the dry run's list of the task instances that would be cleared (asked again at
each change), and Confirm or Cancel. Its preview table, buttons and place above the drawer
serve the run's other action dialogs too (``components.run_actions``)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.components.badges import state_badge
from airdeck_web.components.tables import data_table
from airdeck_web.states.clear import ClearState
from airdeck_web.states.run import RunState

CHOICE_LABELS = (
    ("include_downstream", "Downstream tasks", "clear-downstream", False),
    ("include_upstream", "Upstream tasks", "clear-upstream", False),
    ("only_failed", "Only failed ones", "clear-only-failed", True),
)
"""Each choice: its ``ClearState`` field, label, element id, and whether it applies to a
clear of the whole run."""


def _choice(choice: str, label: str, element_id: str, run_wide: bool) -> rx.Component:
    checkbox = rx.checkbox(
        label,
        checked=getattr(ClearState, choice),
        on_change=lambda value: ClearState.choose(choice, value),
        id=element_id,
    )
    return checkbox if run_wide else rx.cond(~ClearState.run_wide, checkbox)


def _preview_row(row: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["task_id"]),
        rx.table.cell(row["map_index"]),
        rx.table.cell(state_badge(row["state"])),
        class_name="clear-row",
        data_task_id=row["task_id"],
    )


def preview_table(rows: Any, table_id: str) -> rx.Component:
    """A dialog's preview: the task instances an action would change (``rows`` as
    ``rows.preview_rows`` makes them), scrolled when long."""
    return rx.scroll_area(
        data_table(("Task", "Map index", "State"), rows, _preview_row, size="1", id=table_id),
        max_height="320px",
        type="auto",
    )


def cancel_and_confirm(
    prefix: str,
    label: Any,
    on_cancel: Any,
    on_confirm: Any,
    disabled: Any,
    color_scheme: Any = "red",
) -> rx.Component:
    """A dialog's Cancel and its confirming button (``label``, in ``color_scheme``), ids
    ``<prefix>-cancel`` and ``<prefix>-confirm``."""
    return rx.hstack(
        rx.button(
            "Cancel",
            variant="soft",
            color_scheme="gray",
            on_click=on_cancel,
            id=f"{prefix}-cancel",
        ),
        rx.button(
            label,
            color_scheme=color_scheme,
            # White on Radix's middle shades is too faint (axe-core's contrast); their darkest.
            high_contrast=True,
            on_click=on_confirm,
            disabled=disabled,
            id=f"{prefix}-confirm",
        ),
        justify="end",
        margin_top="16px",
    )


def above_the_drawer(dialog_id: str, dialog: rx.Component) -> rx.Component:
    """``dialog`` (its content's id ``dialog_id``) drawn above the task drawer."""
    # Radix Themes leaves a dialog's overlay at the page's stacking level, under the task
    # drawer (z-index 50, from Reflex's drawer): a dialog that opens over the drawer goes above.
    above = f".rt-BaseDialogOverlay:has(#{dialog_id}) {{ z-index: 60; }}"
    # rx.fragment comes from a Reflex package without a py.typed marker, so mypy sees it untyped.
    shown: rx.Component = rx.fragment(rx.el.style(above), dialog)
    return shown


def clear_dialog() -> rx.Component:
    """Open over the drawer (or the run page) while a person decides what to clear."""
    return above_the_drawer("clear-dialog", _dialog())


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.cond(
                    ClearState.run_wide,
                    "Clear run " + RunState.run_id,
                    "Clear " + RunState.selected,
                )
            ),
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
            preview_table(ClearState.preview, "clear-preview"),
            cancel_and_confirm(
                "clear",
                "Clear",
                ClearState.cancel_clear,
                ClearState.confirm_clear,
                ClearState.preview.length() == 0,
            ),
            max_width="560px",
            id="clear-dialog",
        ),
        open=ClearState.clear_open,
        # Escape or a click outside cancels too.
        on_open_change=ClearState.set_clear_open,
    )
