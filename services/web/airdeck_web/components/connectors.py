"""The connectors' pieces: the guided form (source, mapping rows, destination, schedule) with
its test call and the first rows it maps, and the pause and delete confirmations."""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx

from airdeck_web.components.confirm import confirm_dialog
from airdeck_web.connector_rows import (
    DESTINATIONS,
    FIELD_TYPES,
    METHODS,
    MODES,
    PAGINATION_LABELS,
    PAGINATIONS,
)
from airdeck_web.states.connectors import ConnectorsState

FORM: Any = ConnectorsState.form
ERRORS: Any = ConnectorsState.field_errors
"""The form's fields and their errors, each a dict var read by the field's API path."""


def _id(key: str) -> str:
    return "connector-" + key.replace(".", "-").replace("_", "-")


def _error(key: str) -> rx.Component:
    """The API's error about ``key`` in red (nothing when none)."""
    error = ERRORS.get(key, "")
    shown: rx.Component = rx.cond(
        error != "",
        rx.text(error, size="1", color_scheme="red", class_name="field-error", data_field=key),
    )
    return shown


def _labelled(key: str, label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(
            label, size="1", color_scheme="gray", as_="label", custom_attrs={"htmlFor": _id(key)}
        ),
        control,
        _error(key),
        spacing="1",
        width="100%",
    )


def _input(
    key: str, label: str, placeholder: str = "", kind: Literal["text", "number"] = "text"
) -> rx.Component:
    return _labelled(
        key,
        label,
        rx.input(
            value=FORM[key],
            on_change=lambda value: ConnectorsState.set_field(key, value),
            placeholder=placeholder,
            type=kind,
            id=_id(key),
            width="100%",
        ),
    )


def _select(key: str, label: str, choices: dict[str, str]) -> rx.Component:
    """A choice among ``choices`` (value: its label)."""
    return _labelled(
        key,
        label,
        rx.select.root(
            rx.select.trigger(id=_id(key), width="100%", custom_attrs={"aria-label": label}),
            rx.select.content(*[rx.select.item(text, value=v) for v, text in choices.items()]),
            value=FORM[key],
            on_change=lambda value: ConnectorsState.set_field(key, value),
        ),
    )


def _pair(kind: str, what: str, row: Any, index: Any, secret: bool = False) -> rx.Component:
    """A name/value row of the query parameters, headers or secrets."""
    return rx.vstack(
        rx.hstack(
            rx.input(
                value=row["name"],
                on_change=lambda value: ConnectorsState.set_pair(kind, index, "name", value),
                placeholder="Name",
                aria_label=f"{what} name",
                class_name="pair-name",
                width="40%",
            ),
            rx.input(
                value=row["value"],
                on_change=lambda value: ConnectorsState.set_pair(kind, index, "value", value),
                placeholder=rx.cond(row["stored"], "Unchanged (stored in Airflow)", "Value")
                if secret
                else "Value",
                type="password" if secret else "text",
                aria_label=f"{what} value",
                class_name="pair-value",
                width="100%",
            ),
            rx.icon_button(
                rx.icon("x", size=14),
                on_click=ConnectorsState.remove_pair(kind, index),
                size="1",
                variant="soft",
                color_scheme="gray",
                aria_label=f"Remove this {what.lower()}",
                class_name="pair-remove",
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            row["error"] != "",
            rx.text(row["error"], size="1", color_scheme="red", class_name="field-error"),
        ),
        spacing="1",
        width="100%",
        class_name=f"{kind}-row",
    )


def _pairs(kind: str, title: str, what: str, hint: str, secret: bool = False) -> rx.Component:
    rows: Any = getattr(ConnectorsState, kind)
    group = "secrets" if secret else f"source.{kind}"
    return rx.vstack(
        rx.hstack(
            rx.text(title, size="2", weight="medium"),
            rx.spacer(),
            rx.button(
                rx.icon("plus", size=14),
                f"Add {what.lower()}",
                on_click=ConnectorsState.add_pair(kind),
                size="1",
                variant="soft",
                id=f"connector-add-{kind}",
            ),
            width="100%",
            align="center",
        ),
        rx.text(hint, size="1", color_scheme="gray"),
        rx.foreach(rows, lambda row, index: _pair(kind, what, row, index, secret)),
        _error(group),
        spacing="2",
        width="100%",
        id=f"connector-{kind}",
    )


def _pagination_fields() -> rx.Component:
    where = "source.pagination."
    shown: rx.Component = rx.match(
        FORM[where + "kind"],
        (
            "page_number",
            rx.grid(
                _input(where + "param", "Page parameter", "page"),
                _input(where + "start", "First page", "1", "number"),
                _input(where + "size_param", "Page size parameter (optional)", "per_page"),
                _input(where + "size", "Rows a full page holds (optional)", "100", "number"),
                _input(where + "max_pages", "At most N pages", "100", "number"),
                columns="3",
                spacing="3",
                width="100%",
            ),
        ),
        (
            "cursor",
            rx.grid(
                _input(where + "cursor_path", "Next cursor at (path)", "meta.next_cursor"),
                _input(where + "param", "Cursor parameter", "cursor"),
                _input(where + "max_pages", "At most N pages", "100", "number"),
                columns="3",
                spacing="3",
                width="100%",
            ),
        ),
        ("link_header", _input(where + "max_pages", "At most N pages", "100", "number")),
        rx.fragment(),
    )
    return shown


def _field(row: Any, index: Any) -> rx.Component:
    """A mapping row: path, column, type, default, and the API's error about it."""
    return rx.vstack(
        rx.hstack(
            rx.input(
                value=row["path"],
                on_change=lambda value: ConnectorsState.set_mapping(index, "path", value),
                placeholder="data[*].user.email",
                aria_label="Path in the answer",
                class_name="mapping-path",
                width="35%",
            ),
            rx.text("→", aria_hidden="true"),
            rx.input(
                value=row["column"],
                on_change=lambda value: ConnectorsState.set_mapping(index, "column", value),
                placeholder="email",
                aria_label="Column",
                class_name="mapping-column",
                width="20%",
            ),
            rx.select.root(
                rx.select.trigger(custom_attrs={"aria-label": "Type"}, class_name="mapping-type"),
                rx.select.content(*[rx.select.item(t, value=t) for t in FIELD_TYPES]),
                value=row["type"],
                on_change=lambda value: ConnectorsState.set_mapping(index, "type", value),
            ),
            rx.input(
                value=row["default"],
                on_change=lambda value: ConnectorsState.set_mapping(index, "default", value),
                placeholder="Default (optional)",
                aria_label="Default",
                class_name="mapping-default",
                width="20%",
            ),
            rx.icon_button(
                rx.icon("x", size=14),
                on_click=ConnectorsState.remove_mapping_row(index),
                size="1",
                variant="soft",
                color_scheme="gray",
                aria_label="Remove this field",
                class_name="mapping-remove",
            ),
            width="100%",
            align="center",
        ),
        rx.cond(
            row["error"] != "",
            rx.text(row["error"], size="1", color_scheme="red", class_name="field-error"),
        ),
        spacing="1",
        width="100%",
        class_name="mapping-row",
    )


def _mapping() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Mapping", size="3"),
            rx.spacer(),
            rx.button(
                rx.icon("plus", size=14),
                "Add field",
                on_click=ConnectorsState.add_mapping_row,
                size="1",
                variant="soft",
                id="connector-add-field",
            ),
            width="100%",
            align="center",
        ),
        rx.text(
            "Each field: where its value is in the answer (data[*].id takes one row per item "
            "of data), the column it fills, its type, and the value used when the answer has "
            "none (without one, a missing value fails the run).",
            size="1",
            color_scheme="gray",
        ),
        rx.foreach(ConnectorsState.mapping, _field),
        _error("mapping"),
        spacing="2",
        width="100%",
        id="connector-mapping",
    )


def _destination_fields() -> rx.Component:
    return rx.vstack(
        rx.heading("Destination", size="3"),
        rx.grid(
            _select(
                "destination.kind",
                "Database",
                dict(
                    zip(
                        DESTINATIONS,
                        ["Airdeck's product DB", "A Postgres connection of Airflow"],
                        strict=True,
                    )
                ),
            ),
            _input("destination.table", "Table", "people"),
            _select("destination.mode", "Write mode", {m: m for m in MODES}),
            columns="3",
            spacing="3",
            width="100%",
        ),
        rx.cond(
            FORM["destination.kind"] == "postgres",
            rx.grid(
                _input("destination.conn_id", "Airflow connection id", "warehouse"),
                _input("destination.schema", "Schema (optional)", "raw"),
                columns="2",
                spacing="3",
                width="100%",
            ),
        ),
        rx.cond(
            FORM["destination.mode"] == "upsert",
            _input("destination.key", "Key columns (comma-separated)", "id"),
        ),
        spacing="2",
        width="100%",
    )


def _cell(value: Any) -> rx.Component:
    return rx.table.cell(rx.text(value, size="1"))


def _preview() -> rx.Component:
    """The test call's outcome: its first mapped rows, or why a run would fail."""
    shown: rx.Component = rx.cond(
        ConnectorsState.preview_text != "",
        rx.vstack(
            rx.callout(
                ConnectorsState.preview_text,
                color_scheme=rx.cond(ConnectorsState.preview_ok, "green", "red"),
                icon=rx.cond(ConnectorsState.preview_ok, "check", "triangle_alert"),
                size="1",
                # Radix's soft callout text is too faint on its tint for small type.
                high_contrast=True,
                id="connector-preview-line",
                width="100%",
            ),
            rx.cond(
                ConnectorsState.preview_rows.length() > 0,
                # A box of its own that the keyboard can reach and scroll (a Radix scroll
                # area's viewport takes no focus).
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.foreach(
                                    ConnectorsState.preview_columns,
                                    lambda c: rx.table.column_header_cell(c),
                                )
                            )
                        ),
                        rx.table.body(
                            rx.foreach(
                                ConnectorsState.preview_rows,
                                lambda row: rx.table.row(
                                    rx.foreach(row, _cell), class_name="preview-row"
                                ),
                            )
                        ),
                        size="1",
                        width="100%",
                    ),
                    overflow="auto",
                    max_height="280px",
                    width="100%",
                    tab_index=0,
                    role="region",
                    aria_label="The test call's first rows",
                ),
            ),
            width="100%",
            spacing="2",
            id="connector-preview",
        ),
    )
    return shown


def connector_form() -> rx.Component:
    """The form that creates a connector or replaces one: source, mapping, destination,
    schedule; its test call shows the first rows a run would load."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.cond(ConnectorsState.editing != "", "Edit connector", "New connector")
            ),
            rx.vstack(
                rx.grid(
                    _input("name", "Name", "People from the CRM"),
                    rx.cond(
                        ConnectorsState.editing == "",
                        _input("slug", "DAG name (optional; from the name)", "crm_people"),
                        _labelled(
                            "slug",
                            "DAG name (cannot change)",
                            rx.input(value=FORM["slug"], disabled=True, id=_id("slug")),
                        ),
                    ),
                    _input("tags", "Tags (comma-separated)", "crm, nightly"),
                    columns="3",
                    spacing="3",
                    width="100%",
                ),
                _input("description", "Description (optional)"),
                rx.heading("Source", size="3"),
                rx.grid(
                    _select("source.method", "Method", {m: m for m in METHODS}),
                    rx.box(
                        _input("source.url", "URL", "https://api.example.com/people"),
                        grid_column="span 3",
                    ),
                    columns="4",
                    spacing="3",
                    width="100%",
                ),
                _pairs(
                    "params",
                    "Query parameters",
                    "Parameter",
                    "Values may use {{ secrets.NAME }}.",
                ),
                _pairs("headers", "Headers", "Header", "Values may use {{ secrets.NAME }}."),
                rx.cond(
                    FORM["source.method"] == "POST",
                    _labelled(
                        "source.body",
                        "Body template (may use {{ secrets.NAME }})",
                        rx.text_area(
                            value=FORM["source.body"],
                            on_change=lambda value: ConnectorsState.set_field("source.body", value),
                            id=_id("source.body"),
                            rows="4",
                            width="100%",
                        ),
                    ),
                ),
                _pairs(
                    "secrets",
                    "Secrets",
                    "Secret",
                    "Kept in Airflow, never shown again; used as {{ secrets.NAME }}. A stored "
                    "secret left blank keeps its value; the test call needs the values typed.",
                    secret=True,
                ),
                rx.grid(
                    _select(
                        "source.pagination.kind",
                        "Pagination",
                        {k: PAGINATION_LABELS[k] for k in PAGINATIONS},
                    ),
                    _input("source.timeout_seconds", "Timeout (seconds)", "30", "number"),
                    _input("source.expected_status", "Expected status", "200"),
                    columns="3",
                    spacing="3",
                    width="100%",
                ),
                _error("source.pagination"),
                _pagination_fields(),
                _mapping(),
                _destination_fields(),
                rx.heading("Schedule", size="3"),
                rx.grid(
                    _input("schedule.cron", "Cron (or @daily, @hourly…)", "0 6 * * *"),
                    _input("schedule.timezone", "Time zone", "Europe/Paris"),
                    _input("schedule.retries", "Retries of a failed run", "2", "number"),
                    columns="3",
                    spacing="3",
                    width="100%",
                ),
                rx.hstack(
                    rx.switch(
                        checked=FORM["paused"] == "true",
                        on_change=ConnectorsState.set_paused,
                        id="connector-paused",
                    ),
                    rx.text(
                        "Paused (runs on no schedule)",
                        size="2",
                        as_="label",
                        custom_attrs={"htmlFor": "connector-paused"},
                    ),
                    align="center",
                    spacing="2",
                ),
                _preview(),
                rx.cond(
                    ConnectorsState.form_error != "",
                    rx.callout(
                        ConnectorsState.form_error,
                        color_scheme="red",
                        icon="triangle_alert",
                        id="connector-form-error",
                        width="100%",
                    ),
                ),
                rx.hstack(
                    rx.button(
                        rx.icon("play", size=14),
                        "Test call",
                        on_click=ConnectorsState.test_call,
                        loading=ConnectorsState.testing,
                        variant="outline",
                        id="connector-test",
                    ),
                    rx.spacer(),
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button(
                        "Save connector",
                        on_click=ConnectorsState.save,
                        loading=ConnectorsState.saving,
                        id="connector-save",
                    ),
                    spacing="3",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="960px",
            id="connector-form",
        ),
        open=ConnectorsState.form_open,
        on_open_change=ConnectorsState.set_form_open,
    )


def delete_dialog() -> rx.Component:
    """Asks before a connector is deleted."""
    return confirm_dialog(
        rx.fragment("Delete connector ", ConnectorsState.deleting_name, "?"),
        "Its DAG leaves Airflow with its run history, and its secrets are deleted. The rows "
        "it loaded stay; the audit log keeps its definition.",
        "Delete connector",
        ConnectorsState.confirm_delete,
        open_=ConnectorsState.deleting != "",
        on_open_change=ConnectorsState.set_deleting_open,
        confirm_id="connector-delete-confirm",
        danger=True,
    )


def pause_dialog() -> rx.Component:
    """Asks before a connector is paused (or resumed)."""
    paused = ConnectorsState.pausing_paused
    return confirm_dialog(
        rx.fragment(rx.cond(paused, "Resume ", "Pause "), ConnectorsState.pausing_name, "?"),
        rx.cond(
            paused,
            "It runs on its schedule again.",
            "It runs on no schedule until resumed; a run can still be triggered.",
        ),
        rx.cond(paused, "Resume", "Pause"),
        ConnectorsState.confirm_pause,
        open_=ConnectorsState.pausing != "",
        on_open_change=ConnectorsState.set_pausing_open,
        confirm_id="connector-pause-confirm",
    )
