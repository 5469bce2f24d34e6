"""/connectors: the no-code API connectors with their schedule, source, destination, whether
they are paused, where each one's DAG stands in Airflow and its last runs; for people who may
write connectors, the guided form (with its test call) and each connector's controls."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.components.badges import state_badge
from airdeck_web.components.connectors import connector_form, delete_dialog, pause_dialog
from airdeck_web.components.layout import layout
from airdeck_web.components.tables import data_table
from airdeck_web.states.connectors import ConnectorsState


def _controls(connector: Any) -> rx.Component:
    """Edit, pause (or resume) and delete, for people who may write connectors."""
    small: dict[str, Any] = {"size": "1", "variant": "soft"}
    return rx.hstack(
        rx.button(
            "Edit",
            on_click=ConnectorsState.edit_connector(connector["id"]),
            class_name="connector-edit",
            **small,
        ),
        rx.button(
            rx.cond(connector["paused"], "Resume", "Pause"),
            on_click=ConnectorsState.ask_pause(connector["id"]),
            class_name="connector-pause",
            **small,
        ),
        rx.button(
            "Delete",
            on_click=ConnectorsState.ask_delete(connector["id"]),
            color_scheme="red",
            class_name="connector-delete",
            **small,
        ),
        spacing="1",
        wrap="wrap",
    )


def _status(connector: Any) -> rx.Component:
    """The DAG's link once Airflow has it (and "pending" while a newer version is on its
    way), else "pending in Airflow"; "unknown" when Airflow could not be asked."""
    pending = rx.badge(
        "pending in Airflow",
        color_scheme="amber",
        variant="soft",
        high_contrast=True,
        title=connector["message"],
        class_name="connector-pending",
    )
    return rx.vstack(
        rx.cond(
            connector["in_airflow"],
            rx.link(
                connector["dag_id"],
                href=connector["href"],
                class_name="connector-dag-link",
                size="2",
            ),
            rx.cond(
                connector["status"] == "unknown",
                rx.badge(
                    "unknown",
                    color_scheme="gray",
                    variant="soft",
                    high_contrast=True,
                    title=connector["message"],
                    class_name="connector-unknown",
                ),
                pending,
            ),
        ),
        rx.cond(
            connector["in_airflow"] & (connector["status"] == "pending"),
            rx.text(
                "v",
                connector["version"],
                " pending",
                size="1",
                color_scheme="amber",
                high_contrast=True,
            ),
        ),
        spacing="1",
    )


def _run(run: Any) -> rx.Component:
    return rx.box(state_badge(run["state"]), title=run["run_id"], class_name="connector-run")


def _row(connector: Any) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(connector["name"], weight="medium")),
        rx.table.cell(rx.code(connector["schedule"], size="1")),
        rx.table.cell(rx.text(connector["source"], size="1", word_break="break-all")),
        rx.table.cell(rx.text(connector["destination"], size="1")),
        rx.table.cell(
            rx.cond(
                connector["paused"],
                rx.badge(
                    "paused", color_scheme="gray", high_contrast=True, class_name="connector-paused"
                ),
                rx.badge(
                    "active",
                    color_scheme="green",
                    high_contrast=True,
                    class_name="connector-active",
                ),
            )
        ),
        rx.table.cell(_status(connector)),
        rx.table.cell(
            rx.cond(
                connector["runs"].length() > 0,
                rx.hstack(rx.foreach(connector["runs"], _run), spacing="1", wrap="wrap"),
                rx.text("none yet", size="1", color_scheme="gray"),
            ),
            class_name="connector-runs",
        ),
        rx.table.cell(rx.cond(ConnectorsState.can_write_connectors, _controls(connector))),
        class_name="connector-row",
        data_connector_id=connector["id"],
        data_connector_name=connector["name"],
        data_status=connector["status"],
    )


def connectors_page() -> rx.Component:
    """The connectors, and (for writers) the form and its confirmations."""
    return layout(
        rx.vstack(
            rx.hstack(
                rx.heading("Connectors", size="6"),
                rx.text(
                    ConnectorsState.connectors.length(),
                    rx.cond(ConnectorsState.connectors.length() == 1, " connector", " connectors"),
                    color_scheme="gray",
                    id="connector-total",
                ),
                rx.spacer(),
                rx.cond(
                    ConnectorsState.can_write_connectors,
                    rx.button(
                        rx.icon("plus", size=16),
                        "New connector",
                        on_click=ConnectorsState.new_connector,
                        id="connector-new",
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.text(
                "Each connector calls an HTTP API on its schedule and loads the fields it maps "
                "into a table, as one Airflow DAG.",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                ConnectorsState.error != "",
                rx.callout(
                    ConnectorsState.error,
                    color_scheme="red",
                    icon="triangle_alert",
                    id="connector-error",
                ),
            ),
            rx.cond(
                ConnectorsState.notice != "",
                rx.callout(
                    ConnectorsState.notice,
                    color_scheme="green",
                    size="1",
                    high_contrast=True,
                    id="connector-notice",
                ),
            ),
            data_table(
                [
                    "Connector",
                    "Schedule",
                    "Source",
                    "Destination",
                    "Paused",
                    "Airflow",
                    "Last runs",
                    "",
                ],
                ConnectorsState.connectors,
                _row,
                id="connectors",
            ),
            rx.cond(
                ConnectorsState.connectors.length() == 0,
                rx.text("No connector yet.", color_scheme="gray", id="connector-empty"),
            ),
            spacing="3",
            width="100%",
        ),
        rx.cond(
            ConnectorsState.can_write_connectors,
            rx.fragment(connector_form(), delete_dialog(), pause_dialog()),
        ),
    )
