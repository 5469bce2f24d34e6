"""/alerts: the alert rules with what they watch, when they fire, where they tell, whether
they are muted or snoozed and when they last fired; a rule's delivery history; for people who
may write rules, the form (with its live preview) and each rule's controls."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.components.alerts import delete_dialog, delivery_history, rule_form
from airdeck_web.components.layout import layout
from airdeck_web.components.tables import data_table
from airdeck_web.components.times import relative_time
from airdeck_web.states.alerts import AlertsState

STATUS_COLORS = {"active": "green", "muted": "gray", "snoozed": "amber"}


def _controls(rule: Any) -> rx.Component:
    """Mute, snooze, test, edit and delete, for people who may write rules."""
    small: dict[str, Any] = {"size": "1", "variant": "soft"}
    return rx.hstack(
        rx.button(
            rx.cond(rule["muted"], "Unmute", "Mute"),
            on_click=AlertsState.set_muted(rule["id"], ~rule["muted"]),
            class_name="alert-mute",
            **small,
        ),
        rx.cond(
            rule["snoozed"],
            rx.button(
                "End snooze",
                on_click=AlertsState.snooze(rule["id"], "end"),
                class_name="alert-unsnooze",
                **small,
            ),
            rx.fragment(
                rx.button(
                    "Snooze 1 h",
                    on_click=AlertsState.snooze(rule["id"], "hour"),
                    class_name="alert-snooze-hour",
                    **small,
                ),
                rx.button(
                    "Snooze 1 day",
                    on_click=AlertsState.snooze(rule["id"], "day"),
                    class_name="alert-snooze-day",
                    **small,
                ),
            ),
        ),
        rx.button(
            "Send test",
            on_click=AlertsState.send_test(rule["id"]),
            class_name="alert-test",
            **small,
        ),
        rx.button(
            "Edit", on_click=AlertsState.edit_rule(rule["id"]), class_name="alert-edit", **small
        ),
        rx.button(
            "Delete",
            on_click=AlertsState.ask_delete(rule["id"]),
            color_scheme="red",
            class_name="alert-delete",
            **small,
        ),
        spacing="1",
        wrap="wrap",
    )


def _row(rule: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(rule["name"], weight="medium")),
        rx.table.cell(rx.text(rule["watches"], size="1")),
        rx.table.cell(rx.text(rule["when"], size="1")),
        rx.table.cell(rx.text(rule["where"], size="1", word_break="break-all")),
        rx.table.cell(
            rx.badge(
                rule["status"],
                color_scheme=rx.match(rule["status"], *STATUS_COLORS.items(), "gray"),
                variant="soft",
                high_contrast=True,
                class_name="alert-status",
            ),
            rx.cond(
                rule["snoozed"],
                rx.text("until ", rule["snoozed_until"], size="1", color_scheme="gray"),
            ),
        ),
        rx.table.cell(relative_time(rule["last_fired"], rule["last_fired_exact"])),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    "History",
                    on_click=AlertsState.show_history(rule["id"]),
                    size="1",
                    variant="outline",
                    class_name="alert-history-button",
                ),
                rx.cond(AlertsState.can_write_alerts, _controls(rule)),
                spacing="1",
                wrap="wrap",
            )
        ),
        class_name="alert-rule-row",
        data_rule_id=rule["id"],
        data_rule_name=rule["name"],
        data_status=rule["status"],
    )


def alerts_page() -> rx.Component:
    """The rules, the chosen rule's deliveries, and (for writers) the form."""
    return layout(
        rx.vstack(
            rx.hstack(
                rx.heading("Alerts", size="6"),
                rx.text(
                    AlertsState.rules.length(),
                    rx.cond(AlertsState.rules.length() == 1, " rule", " rules"),
                    color_scheme="gray",
                    id="alert-total",
                ),
                rx.spacer(),
                rx.cond(
                    AlertsState.can_write_alerts,
                    rx.button(
                        rx.icon("plus", size=16),
                        "New rule",
                        on_click=AlertsState.new_rule,
                        id="alert-new",
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                AlertsState.error != "",
                rx.callout(
                    AlertsState.error, color_scheme="red", icon="triangle_alert", id="alert-error"
                ),
            ),
            rx.cond(
                AlertsState.notice != "",
                rx.callout(AlertsState.notice, color_scheme="green", size="1", id="alert-notice"),
            ),
            data_table(
                ["Rule", "Watches", "Fires when", "Tells", "Status", "Last fired", ""],
                AlertsState.rules,
                _row,
                id="alert-rules",
            ),
            rx.cond(
                AlertsState.rules.length() == 0,
                rx.text("No alert rule yet.", color_scheme="gray", id="alert-empty"),
            ),
            delivery_history(),
            spacing="3",
            width="100%",
        ),
        rx.cond(AlertsState.can_write_alerts, rule_form()),
        delete_dialog(),
    )
