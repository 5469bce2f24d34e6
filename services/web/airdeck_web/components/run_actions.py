"""The run page's actions: its menu (for whoever may take any), the note and the last action's
outcome under its heading, the drawer's mark buttons, and the dialog each action opens to show
what it will change before it is confirmed."""

from __future__ import annotations

import reflex as rx

from airdeck_web.components.clear import above_the_drawer, cancel_and_confirm, preview_table
from airdeck_web.states.clear import ClearState
from airdeck_web.states.run import RunState
from airdeck_web.states.run_actions import MARK_COLORS, RunActionsState


def run_actions_menu() -> rx.Component:
    """The run's actions menu; absent for a caller who may take none of them, and each item
    only for a caller who may take it."""
    state = RunState.run["state"]  # type: ignore[call-overload]
    menu: rx.Component = rx.cond(
        RunState.can_act_on_runs,
        rx.menu.root(
            rx.menu.trigger(
                rx.button("Actions", rx.icon("chevron-down", size=14), variant="soft", size="2"),
                id="run-actions",
            ),
            rx.menu.content(
                rx.cond(
                    RunState.can_clear,
                    rx.fragment(
                        rx.menu.item(
                            "Mark run success",
                            on_select=RunActionsState.open_mark_run("success"),
                            disabled=state == "success",
                        ),
                        rx.menu.item(
                            "Mark run failed",
                            on_select=RunActionsState.open_mark_run("failed"),
                            disabled=state == "failed",
                        ),
                        rx.menu.separator(),
                        rx.menu.item(
                            "Clear run (failed tasks only)",
                            on_select=ClearState.open_run_clear(True),
                        ),
                        rx.menu.item(
                            "Clear run (all tasks)", on_select=ClearState.open_run_clear(False)
                        ),
                    ),
                ),
                rx.cond(RunState.can_clear & RunState.can_trigger, rx.menu.separator()),
                rx.cond(
                    RunState.can_trigger,
                    rx.menu.item("Edit note", on_select=RunActionsState.open_note),
                ),
                id="run-actions-menu",
            ),
        ),
    )
    return menu


def run_note_and_outcome() -> rx.Component:
    """The run's note (when it has one) and what the last action on it did."""
    note = RunState.run["note"]  # type: ignore[call-overload]
    shown: rx.Component = rx.fragment(
        rx.cond(
            note,
            rx.hstack(
                rx.icon("sticky-note", size=16, aria_hidden="true"),
                rx.text(note, size="2", white_space="pre-wrap", id="run-note"),
                align="start",
                spacing="2",
                margin_top="8px",
            ),
        ),
        rx.cond(
            RunActionsState.run_outcome != "",
            rx.callout(
                RunActionsState.run_outcome, size="1", margin_top="8px", id="run-actions-outcome"
            ),
        ),
    )
    return shown


def task_mark_buttons() -> rx.Component:
    """The drawer's marks of its task instance, each previewed before it is confirmed."""
    # rx.fragment comes from a Reflex package without a py.typed marker, so mypy sees it untyped.
    buttons: rx.Component = rx.fragment(
        *[
            rx.button(
                f"Mark {state}",
                size="1",
                variant="soft",
                color_scheme=color,
                on_click=RunActionsState.open_mark_task(state),
                id=f"mark-{state}",
            )
            for state, color in MARK_COLORS.items()
        ]
    )
    return buttons


def run_action_dialog() -> rx.Component:
    """The open action's dialog: what it will change (a dry run's task instances, the run's
    unfinished ones, or the note to edit), any refusal in plain words, Cancel and Confirm."""
    dialog = rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(RunActionsState.action_title),
            rx.dialog.description(
                RunActionsState.action_summary, size="2", id="run-action-summary"
            ),
            rx.cond(
                RunActionsState.action == "note",
                rx.text_area(
                    value=RunActionsState.note_draft,
                    on_change=RunActionsState.set_note_draft,
                    rows="5",
                    max_length=1000,
                    width="100%",
                    margin_top="12px",
                    id="run-note-input",
                    aria_label="The run's note",
                ),
                rx.cond(
                    RunActionsState.action_preview.length() > 0,
                    rx.box(
                        preview_table(RunActionsState.action_preview, "run-action-preview"),
                        margin_top="12px",
                    ),
                ),
            ),
            rx.cond(
                RunActionsState.action_error != "",
                rx.callout(
                    RunActionsState.action_error,
                    color_scheme="red",
                    size="1",
                    margin_top="12px",
                    id="run-action-error",
                ),
            ),
            cancel_and_confirm(
                "run-action",
                RunActionsState.confirm_label,
                RunActionsState.cancel_action,
                RunActionsState.confirm_action,
                ~RunActionsState.can_confirm,
                RunActionsState.confirm_color,
            ),
            max_width="560px",
            id="run-action-dialog",
        ),
        open=RunActionsState.action_open,
        # Escape or a click outside cancels too.
        on_open_change=RunActionsState.set_action_open,
    )
    return above_the_drawer("run-action-dialog", dialog)
