"""The alerts' pieces: the bell badge of a DAG that rules watch, the rule form with its live
preview, the delete confirmation, and a rule's delivery history."""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx

from airdeck_web.alert_rows import CHANNELS, COMPONENTS, CONDITIONS, LABELS
from airdeck_web.components.confirm import confirm_dialog
from airdeck_web.components.fields import field_label
from airdeck_web.components.tables import data_table
from airdeck_web.components.times import relative_time
from airdeck_web.states.alerts import AlertsState

FORM: Any = AlertsState.form
ERRORS: Any = AlertsState.field_errors
"""The form's fields and their errors, each a dict var read by key."""
DELIVERY_COLORS = {
    "sent": "green",
    "failed": "red",
    "pending": "gray",
    "sending": "blue",
    "dropped": "orange",
}


def alert_badge(count: Any) -> rx.Component:
    """A bell with how many alert rules watch a DAG (nothing when none), linking to /alerts."""
    words = rx.cond(
        count == 1,
        "1 alert rule watches this DAG",
        count.to_string() + " alert rules watch this DAG",
    )
    shown: rx.Component = rx.cond(
        count > 0,
        rx.link(
            rx.badge(
                rx.icon("bell", size=12, aria_hidden="true"),
                count,
                color_scheme="amber",
                variant="soft",
                high_contrast=True,
                radius="full",
            ),
            href="/alerts",
            title=words,
            aria_label=words,
            class_name="alert-badge",
            underline="none",
        ),
    )
    return shown


def _labelled(key: str, label: str, control: rx.Component) -> rx.Component:
    """A field: its label, its control, and the API's error for it in red."""
    error = ERRORS.get(key, "")
    return rx.vstack(
        field_label(label, f"alert-{key.replace('_', '-')}"),
        control,
        rx.cond(
            error != "",
            rx.text(error, size="1", color_scheme="red", class_name="field-error", data_field=key),
        ),
        spacing="1",
        width="100%",
    )


def _input(
    key: str,
    label: str,
    placeholder: str = "",
    kind: Literal["text", "number", "password"] = "text",
) -> rx.Component:
    return _labelled(
        key,
        label,
        rx.input(
            value=FORM[key],
            on_change=lambda value: AlertsState.set_field(key, value),
            placeholder=placeholder,
            type=kind,
            id=f"alert-{key.replace('_', '-')}",
            width="100%",
        ),
    )


def _select(key: str, label: str, choices: list[str]) -> rx.Component:
    return _labelled(
        key,
        label,
        rx.select(
            choices,
            value=FORM[key],
            on_change=lambda value: AlertsState.set_field(key, value),
            id=f"alert-{key.replace('_', '-')}",
            custom_attrs={"aria-label": label},
            width="100%",
        ),
    )


def _group_error(key: str) -> rx.Component:
    error = ERRORS.get(key, "")
    shown: rx.Component = rx.cond(
        error != "",
        rx.text(error, size="1", color_scheme="red", class_name="field-error", data_field=key),
    )
    return shown


def _condition_fields() -> rx.Component:
    kind = FORM["condition"]
    shown: rx.Component = rx.match(
        kind,
        (
            "run_duration",
            rx.grid(
                _input("above_seconds", "Above (seconds)", "e.g. 3600", "number"),
                _input("median_factor", "Or N x the median", "e.g. 2", "number"),
                _input("median_runs", "Median of the last N runs", kind="number"),
                _input("min_history", "Judged once N successes exist", kind="number"),
                columns="2",
                spacing="3",
                width="100%",
            ),
        ),
        (
            "deadline",
            rx.hstack(
                _input("at", "Succeeded by (HH:MM)", "07:30"),
                _input("timezone", "Time zone", "Europe/Paris"),
                spacing="3",
                width="100%",
            ),
        ),
        ("run_missing", _input("grace_minutes", "Grace (minutes)", kind="number")),
        (
            "component_unhealthy",
            rx.hstack(
                _select("component", "Component", list(COMPONENTS)),
                _input("for_seconds", "For (seconds)", kind="number"),
                spacing="3",
                width="100%",
            ),
        ),
        rx.fragment(),
    )
    return shown


def _channel_fields() -> rx.Component:
    shown: rx.Component = rx.match(
        FORM["channel"],
        ("email", _input("to", "To (comma-separated)", "oncall@example.com")),
        (
            "webhook",
            rx.hstack(
                _input("url", "URL", "https://hooks.example.com/airdeck"),
                _input("secret", "Signing secret (optional)", "16+ characters", "password"),
                spacing="3",
                width="100%",
            ),
        ),
        _input("url", "URL", "https://hooks.slack.com/services/…"),
    )
    return shown


def _firing(firing: Any) -> rx.Component:
    return rx.hstack(
        relative_time(firing["at"], firing["at_exact"]),
        rx.text(firing["reason"], size="1"),
        spacing="2",
        align="center",
        class_name="alert-firing",
    )


def _preview() -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.icon("history", size=16, aria_hidden="true"),
            rx.text(
                rx.cond(AlertsState.preview != "", AlertsState.preview, "Previewing…"),
                size="2",
                weight="medium",
                id="alert-preview",
                aria_live="polite",
            ),
            rx.cond(AlertsState.previewing, rx.spinner(size="1")),
            align="center",
            spacing="2",
        ),
        rx.vstack(rx.foreach(AlertsState.firings, _firing), spacing="1", margin_top="6px"),
        padding="10px 12px",
        border="1px solid var(--gray-5)",
        border_radius="6px",
        width="100%",
    )


def rule_form() -> rx.Component:
    """The form that creates a rule or replaces one: a name, what it watches, when it fires,
    where it tells, and a preview of how often it would have fired, kept current."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.cond(AlertsState.editing != "", "Edit alert rule", "New alert rule")
            ),
            rx.vstack(
                _input("name", "Name", "Nightly ETL failures"),
                rx.text("Watches (every DAG matching all that is set)", size="2", weight="medium"),
                rx.grid(
                    _input("dag_id", "DAG id"),
                    _input("deployment", "Deployment"),
                    _input("tag", "Tag"),
                    _input("team", "Team"),
                    _input("environment", "Environment"),
                    columns="3",
                    spacing="3",
                    width="100%",
                ),
                _group_error("selector"),
                rx.text("Fires when", size="2", weight="medium"),
                rx.select.root(
                    rx.select.trigger(
                        id="alert-condition", width="100%", custom_attrs={"aria-label": "Condition"}
                    ),
                    rx.select.content(*[rx.select.item(LABELS[c], value=c) for c in CONDITIONS]),
                    value=FORM["condition"],
                    on_change=lambda value: AlertsState.set_field("condition", value),
                ),
                _group_error("conditions"),
                _condition_fields(),
                rx.text("Tells", size="2", weight="medium"),
                _select("channel", "Channel", list(CHANNELS)),
                _group_error("channels"),
                _channel_fields(),
                rx.cond(
                    AlertsState.kept != "", rx.text(AlertsState.kept, size="1", color_scheme="gray")
                ),
                _preview(),
                rx.cond(
                    AlertsState.form_error != "",
                    rx.callout(
                        AlertsState.form_error,
                        color_scheme="red",
                        icon="triangle_alert",
                        id="alert-form-error",
                        width="100%",
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button(
                        "Save rule",
                        on_click=AlertsState.save,
                        loading=AlertsState.saving,
                        id="alert-save",
                    ),
                    justify="end",
                    spacing="3",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="720px",
            id="alert-form",
        ),
        open=AlertsState.form_open,
        on_open_change=AlertsState.set_form_open,
    )


def delete_dialog() -> rx.Component:
    """Asks before a rule is deleted."""
    return confirm_dialog(
        rx.fragment("Delete alert rule ", AlertsState.deleting_name, "?"),
        "It fires no more. Its delivery history stays; what it had not sent is dropped.",
        "Delete rule",
        AlertsState.confirm_delete,
        open_=AlertsState.deleting != "",
        on_open_change=AlertsState.set_deleting_open,
        confirm_id="alert-delete-confirm",
        danger=True,
    )


def _delivery(delivery: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.badge(
                delivery["status"],
                color_scheme=rx.match(delivery["status"], *DELIVERY_COLORS.items(), "gray"),
                variant="soft",
                high_contrast=True,
            )
        ),
        rx.table.cell(rx.code(delivery["code"]), class_name="delivery-code"),
        rx.table.cell(rx.text(delivery["response"], size="1", word_break="break-all")),
        rx.table.cell(rx.text(delivery["channel"], " · ", delivery["kind"], size="1")),
        rx.table.cell(rx.text(delivery["summary"], size="1")),
        rx.table.cell(relative_time(delivery["when"], delivery["when_exact"])),
        class_name="alert-delivery-row",
        data_status=delivery["status"],
    )


def delivery_history() -> rx.Component:
    """The deliveries of the rule chosen, newest first."""
    shown: rx.Component = rx.cond(
        AlertsState.history_rule != "",
        rx.vstack(
            rx.heading("Delivery history of ", AlertsState.history_name, size="4"),
            data_table(
                ["Status", "Code", "Response", "Channel · kind", "Message", "When"],
                AlertsState.deliveries,
                _delivery,
                id="alert-deliveries",
            ),
            rx.cond(
                AlertsState.deliveries.length() == 0,
                rx.text("Nothing was delivered for this rule yet.", color_scheme="gray", size="2"),
            ),
            width="100%",
            spacing="2",
            id="alert-history",
        ),
    )
    return shown
