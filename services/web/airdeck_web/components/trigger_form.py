"""The trigger dialog's fields, one widget per param kind (airdeck_web.param_form), and its raw
JSON editor."""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx
from reflex.vars import StringVar

from airdeck_web.param_form import (
    CHOICES,
    DATE,
    DATETIME,
    ENUM,
    INTEGER,
    JSON,
    NUMBER,
    SWITCH,
    TIME,
)
from airdeck_web.states.trigger import TriggerState

# mypy resolves an rx.Field[dict] state var to an ArrayVar (it picks the wrong overload of
# Field.__get__); Reflex makes it an ObjectVar, so its lookups carry a type: ignore.


def _text(name: StringVar[str]) -> Any:
    return TriggerState.values.get(name, "")  # type: ignore[attr-defined]


def _input(
    field: Any,
    name: StringVar[str],
    kind: Literal["number", "date", "datetime-local", "time", "text"],
    **props: Any,
) -> rx.Component:
    return rx.input(
        value=_text(name),
        on_change=lambda v: TriggerState.set_value(name, v),
        type=kind,
        id="field-" + name,
        aria_label=field["label"],
        width="100%",
        **props,
    )


def _switch(field: Any, name: StringVar[str]) -> rx.Component:
    return rx.hstack(
        rx.switch(
            checked=_text(name) == "true",
            on_change=lambda on: TriggerState.set_switch(name, on),
            id="field-" + name,
            aria_label=field["label"],
        ),
        rx.code(rx.cond(_text(name) == "", "null", _text(name)), size="1", variant="ghost"),
        align="center",
    )


def _select(field: Any, name: StringVar[str]) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            placeholder=rx.cond(field["nullable"], "null", "Choose…"),
            id="field-" + name,
            aria_label=field["label"],
        ),
        rx.select.content(rx.foreach(field["options"], lambda o: rx.select.item(o, value=o))),
        value=_text(name),
        on_change=lambda v: TriggerState.set_value(name, v),
    )


def _choices(field: Any, name: StringVar[str]) -> rx.Component:
    """An array of an enum's options: a checkbox per option."""
    return rx.flex(
        rx.foreach(
            field["options"],
            lambda option: rx.checkbox(
                option,
                checked=TriggerState.ticked.get(name, []).contains(option),  # type: ignore[attr-defined]
                on_change=lambda on: TriggerState.toggle_choice(name, option, on),
                class_name="field-choice",
                data_value=option,
            ),
        ),
        id="field-" + name,
        role="group",
        aria_label=field["label"],
        spacing="4",
        wrap="wrap",
    )


def _json_editor(field: Any, name: StringVar[str]) -> rx.Component:
    return rx.text_area(
        value=_text(name),
        on_change=lambda v: TriggerState.set_value(name, v),
        id="field-" + name,
        aria_label=field["label"],
        font_family="monospace",
        rows="4",
        spell_check=False,
        width="100%",
    )


def field_input(field: Any) -> rx.Component:
    """One param: its label, the widget for its kind, what it means, its bounds and default,
    and the schema's complaint about its value."""
    name = field["name"]
    return rx.vstack(
        rx.hstack(
            rx.text(field["label"], weight="bold", size="2"),
            rx.cond(
                field["label"] != name,
                rx.code(name, size="1", variant="ghost", color_scheme="gray"),
            ),
            rx.spacer(),
            rx.cond(
                field["nullable"],
                rx.button(
                    "Clear",
                    size="1",
                    variant="ghost",
                    on_click=TriggerState.set_value(name, ""),
                    class_name="field-clear",
                    aria_label="Clear " + field["label"],
                ),
            ),
            align="center",
            width="100%",
        ),
        rx.match(
            field["kind"],
            (SWITCH, _switch(field, name)),
            (
                INTEGER,
                NUMBER,
                _input(
                    field,
                    name,
                    "number",
                    min=field["minimum"],
                    max=field["maximum"],
                    step=field["step"],
                ),
            ),
            (ENUM, _select(field, name)),
            (CHOICES, _choices(field, name)),
            (DATE, _input(field, name, "date")),
            (DATETIME, _input(field, name, "datetime-local")),
            (TIME, _input(field, name, "time", step="1")),
            (JSON, _json_editor(field, name)),
            _input(field, name, "text"),
        ),
        rx.text(field["description"], size="1", color_scheme="gray"),
        rx.hstack(
            rx.cond(
                field["hint"] != "",
                rx.text(field["hint"], size="1", color_scheme="gray", class_name="field-hint"),
            ),
            rx.cond(
                field["default"] != "",
                rx.text(
                    "Default: ",
                    rx.code(field["default"], size="1", variant="ghost"),
                    size="1",
                    color_scheme="gray",
                    class_name="field-default",
                ),
            ),
            spacing="3",
        ),
        rx.cond(
            TriggerState.field_errors.contains(name),
            rx.text(
                TriggerState.field_errors.get(name, ""),  # type: ignore[attr-defined]
                color_scheme="red",
                size="1",
                class_name="field-error",
                id="error-" + name,
            ),
        ),
        width="100%",
        spacing="1",
    )


def raw_editor() -> rx.Component:
    """The conf as raw JSON, checked against the params as it is typed."""
    return rx.vstack(
        rx.text_area(
            value=TriggerState.raw_conf,
            on_change=TriggerState.set_raw_conf,
            rows="12",
            font_family="monospace",
            spell_check=False,
            width="100%",
            id="raw-conf",
            aria_label="The conf as raw JSON",
        ),
        rx.cond(
            TriggerState.raw_error != "",
            rx.callout(TriggerState.raw_error, color_scheme="red", size="1", id="raw-error"),
        ),
        width="100%",
    )
