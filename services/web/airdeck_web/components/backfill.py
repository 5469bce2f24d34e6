"""The DAG page's Backfills tab: the form that previews then starts a backfill (for people who
may backfill; its conf drawn by the trigger form's renderer), and the DAG's backfills with
their progress and their pause, resume and cancel buttons, each behind a confirmation."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.backfill_rows import REPROCESS_LABELS
from airdeck_web.components.badges import state_badge
from airdeck_web.components.tables import data_table
from airdeck_web.components.times import relative_time
from airdeck_web.components.trigger_form import form_field
from airdeck_web.states.backfill import BackfillState

STATUS_COLORS = {"running": "blue", "paused": "amber", "completed": "gray"}
CONFIRMATIONS = (
    ("pause", "Pause", "It starts no more runs until it is resumed; runs going on go on."),
    ("unpause", "Resume", "It starts its remaining runs again."),
    (
        "cancel",
        "Cancel",
        "It starts no more runs and is completed; runs already going on go on. This cannot be "
        "undone.",
    ),
)
"""Each change: its value, its verb, and what it does, in words."""


def _input_error(name: str) -> rx.Component:
    errors: Any = BackfillState.input_errors
    shown: rx.Component = rx.cond(
        errors.contains(name),
        rx.text(
            errors.get(name, ""),
            color_scheme="red",
            size="1",
            class_name="field-error",
            id="backfill-error-" + name,
        ),
    )
    return shown


def _labelled(label: str, control: rx.Component, error: str = "") -> rx.Component:
    return rx.vstack(
        rx.text(label, weight="bold", size="2"),
        control,
        _input_error(error) if error else rx.fragment(),
        spacing="1",
    )


def _day(label: str, value: Any, on_change: Any, element_id: str, error: str) -> rx.Component:
    return _labelled(
        label,
        rx.input(type="date", value=value, on_change=on_change, id=element_id, aria_label=label),
        error,
    )


def _settings() -> rx.Component:
    """The range and how the backfill goes: reprocess behaviour, runs at a time, order."""
    return rx.flex(
        _day(
            "From (UTC day)",
            BackfillState.from_day,
            BackfillState.set_from_day,
            "backfill-from",
            "from_date",
        ),
        _day(
            "To (UTC day, included)",
            BackfillState.to_day,
            BackfillState.set_to_day,
            "backfill-to",
            "to_date",
        ),
        _labelled(
            "Reprocess",
            rx.select.root(
                rx.select.trigger(id="backfill-reprocess", aria_label="Reprocess"),
                rx.select.content(
                    *[
                        rx.select.item(f"{value}: {label}", value=value)
                        for value, label in REPROCESS_LABELS.items()
                    ]
                ),
                value=BackfillState.reprocess,
                on_change=BackfillState.set_reprocess,
            ),
            "reprocess_behavior",
        ),
        _labelled(
            "Max active runs",
            rx.input(
                type="number",
                min=1,
                max=100,
                step=1,
                value=BackfillState.max_active,
                on_change=BackfillState.set_max_active,
                id="backfill-max-active",
                aria_label="Max active runs",
                width="120px",
            ),
            "max_active_runs",
        ),
        _labelled(
            "Reverse order",
            rx.hstack(
                rx.switch(
                    checked=BackfillState.backwards,
                    on_change=BackfillState.set_backwards,
                    id="backfill-backwards",
                    aria_label="Reverse order",
                ),
                rx.text("newest date first", size="2", color_scheme="gray"),
                align="center",
            ),
        ),
        spacing="4",
        wrap="wrap",
        align="start",
    )


def _plan() -> rx.Component:
    """The dry run's answer: the logical dates the backfill would create runs for."""
    shown: rx.Component = rx.cond(
        BackfillState.preview_shown,
        rx.vstack(
            rx.cond(
                BackfillState.planned.length() > 0,
                rx.text(
                    BackfillState.planned.length(),
                    " runs would be created, for these logical dates:",
                    size="2",
                    id="backfill-plan-count",
                ),
                rx.text(
                    "No runs would be created: every date of the range already has a run this "
                    "reprocess behaviour keeps.",
                    size="2",
                    id="backfill-plan-count",
                ),
            ),
            rx.scroll_area(
                rx.el.ol(
                    rx.foreach(
                        BackfillState.planned,
                        lambda day: rx.el.li(rx.code(day, size="2"), class_name="planned-date"),
                    ),
                    style={"margin": "0", "padding_left": "24px"},
                ),
                max_height="200px",
                type="auto",
            ),
            id="backfill-plan",
            spacing="2",
            width="100%",
        ),
    )
    return shown


def _form() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("New backfill", size="3"),
            rx.text(
                "A run for every schedule tick from the first day to the last. Preview it first:"
                " it is started only as previewed.",
                size="2",
                color_scheme="gray",
            ),
            _settings(),
            rx.cond(
                BackfillState.fields.length() > 0,
                rx.vstack(
                    rx.heading("Conf", size="2"),
                    rx.foreach(
                        BackfillState.fields, lambda field: form_field(field, BackfillState)
                    ),
                    width="100%",
                    spacing="4",
                ),
            ),
            rx.cond(
                BackfillState.form_error != "",
                rx.callout(
                    BackfillState.form_error,
                    color_scheme="red",
                    icon="triangle_alert",
                    id="backfill-form-error",
                    width="100%",
                ),
            ),
            _plan(),
            rx.hstack(
                rx.button(
                    "Preview", variant="soft", on_click=BackfillState.preview, id="backfill-preview"
                ),
                rx.cond(
                    BackfillState.can_start,
                    rx.button("Start backfill", on_click=BackfillState.start, id="backfill-start"),
                ),
                spacing="3",
            ),
            width="100%",
            spacing="3",
        ),
        id="backfill-form",
        width="100%",
    )


def _actions(backfill: Any) -> rx.Component:
    """Pause or resume, and cancel, for a backfill still going, to people who may backfill."""
    shown: rx.Component = rx.cond(
        BackfillState.can_backfill & backfill["active"],
        rx.hstack(
            rx.cond(
                backfill["paused"],
                rx.button(
                    "Resume",
                    size="1",
                    variant="soft",
                    on_click=BackfillState.ask("unpause", backfill["id"]),
                    class_name="backfill-resume",
                ),
                rx.button(
                    "Pause",
                    size="1",
                    variant="soft",
                    on_click=BackfillState.ask("pause", backfill["id"]),
                    class_name="backfill-pause",
                ),
            ),
            rx.button(
                "Cancel",
                size="1",
                variant="soft",
                color_scheme="red",
                on_click=BackfillState.ask("cancel", backfill["id"]),
                class_name="backfill-cancel",
            ),
            spacing="2",
        ),
    )
    return shown


def _state_count(entry: Any) -> rx.Component:
    return rx.hstack(
        state_badge(entry["state"]),
        rx.text(entry["count"], size="1"),
        spacing="1",
        align="center",
        class_name="backfill-state",
        data_state=entry["state"],
        data_count=entry["count"],
    )


def _row(backfill: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text("#", backfill["id"], size="2")),
        rx.table.cell(rx.text(backfill["range"], size="2", white_space="nowrap")),
        rx.table.cell(
            rx.badge(
                backfill["status"],
                color_scheme=rx.match(backfill["status"], *STATUS_COLORS.items(), "gray"),
                variant="soft",
                high_contrast=True,
                class_name="backfill-status",
            )
        ),
        rx.table.cell(
            rx.vstack(
                rx.hstack(
                    rx.progress(value=backfill["percent"], width="120px"),
                    rx.text(backfill["progress"], size="2", class_name="backfill-progress"),
                    align="center",
                ),
                rx.hstack(rx.foreach(backfill["states"], _state_count), spacing="2", wrap="wrap"),
                spacing="1",
            )
        ),
        rx.table.cell(rx.text(backfill["settings"], size="1", color_scheme="gray")),
        rx.table.cell(relative_time(backfill["created"], backfill["created_exact"])),
        rx.table.cell(_actions(backfill)),
        class_name="backfill-row",
        data_id=backfill["id"],
        data_status=backfill["status"],
    )


def _list() -> rx.Component:
    return rx.vstack(
        rx.heading("Backfills", size="3"),
        rx.cond(
            BackfillState.list_error != "",
            rx.callout(
                BackfillState.list_error,
                color_scheme="red",
                icon="triangle_alert",
                id="backfill-list-error",
                width="100%",
            ),
        ),
        rx.cond(
            BackfillState.backfills.length() > 0,
            data_table(
                ("", "Dates", "Status", "Progress", "Settings", "Created", ""),
                BackfillState.backfills,
                _row,
                id="backfills",
            ),
            rx.text(
                "No backfills of this DAG yet.", color_scheme="gray", size="2", id="backfills-empty"
            ),
        ),
        rx.cond(
            BackfillState.backfill_pages > 1,
            rx.hstack(
                rx.button(
                    "Newer",
                    variant="soft",
                    on_click=BackfillState.step(-1),
                    disabled=BackfillState.backfills_page <= 1,
                ),
                rx.text(
                    "Page ",
                    BackfillState.backfills_page,
                    " of ",
                    BackfillState.backfill_pages,
                    size="2",
                ),
                rx.button(
                    "Older",
                    variant="soft",
                    on_click=BackfillState.step(1),
                    disabled=BackfillState.backfills_page >= BackfillState.backfill_pages,
                ),
                align="center",
            ),
        ),
        width="100%",
    )


def _confirm_dialog() -> rx.Component:
    """Asks before a backfill is paused, resumed or cancelled."""
    change = BackfillState.confirming
    verb = rx.match(change, *[(value, verb) for value, verb, _ in CONFIRMATIONS], "")
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(verb, " backfill ", BackfillState.confirming_id, "?"),
            rx.alert_dialog.description(
                rx.match(change, *[(value, words) for value, _, words in CONFIRMATIONS], ""),
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Back", variant="soft", color_scheme="gray", id="backfill-back")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        verb,
                        " backfill",
                        color_scheme=rx.cond(change == "cancel", "red", "blue"),
                        # White on Radix's middle shades is too faint (axe-core's contrast).
                        high_contrast=True,
                        on_click=BackfillState.confirm,
                        id="backfill-confirm",
                    )
                ),
                justify="end",
                spacing="3",
                margin_top="16px",
            ),
            id="backfill-confirm-dialog",
            max_width="440px",
        ),
        open=change != "",
        on_open_change=BackfillState.set_confirm_open,
    )


def backfills_tab() -> rx.Component:
    """The tab: the form for people who may backfill, then the DAG's backfills."""
    return rx.vstack(
        rx.cond(
            BackfillState.notice != "",
            rx.callout(
                BackfillState.notice, color_scheme="green", id="backfill-notice", width="100%"
            ),
        ),
        rx.cond(BackfillState.can_backfill, _form()),
        _list(),
        _confirm_dialog(),
        width="100%",
        spacing="4",
    )
