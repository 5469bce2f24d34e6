"""The trigger dialog's fields, one widget per param kind (airdeck_web.param_form), and its raw
JSON editor. A field is drawn for a form's state (``field_input``: the trigger dialog's): any
``states.params_form.ParamsFormState`` (the inbox's request form and the backfill form are
others)."""

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


def _text(form: Any, name: StringVar[str]) -> Any:
    return form.values.get(name, "")


def _input(
    form: Any,
    field: Any,
    name: StringVar[str],
    kind: Literal["number", "date", "datetime-local", "time", "text"],
    **props: Any,
) -> rx.Component:
    return rx.input(
        value=_text(form, name),
        on_change=lambda v: form.set_value(name, v),
        type=kind,
        id="field-" + name,
        aria_label=field["label"],
        width="100%",
        **props,
    )


def _switch(form: Any, field: Any, name: StringVar[str]) -> rx.Component:
    return rx.hstack(
        rx.switch(
            checked=_text(form, name) == "true",
            on_change=lambda on: form.set_switch(name, on),
            id="field-" + name,
            aria_label=field["label"],
        ),
        rx.code(
            rx.cond(_text(form, name) == "", "null", _text(form, name)), size="1", variant="ghost"
        ),
        align="center",
    )


def _select(form: Any, field: Any, name: StringVar[str]) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            placeholder=rx.cond(field["nullable"], "null", "Choose…"),
            id="field-" + name,
            aria_label=field["label"],
        ),
        rx.select.content(rx.foreach(field["options"], lambda o: rx.select.item(o, value=o))),
        value=_text(form, name),
        on_change=lambda v: form.set_value(name, v),
    )


def _choices(form: Any, field: Any, name: StringVar[str]) -> rx.Component:
    """An array of an enum's options: a checkbox per option."""
    return rx.flex(
        rx.foreach(
            field["options"],
            lambda option: rx.checkbox(
                option,
                checked=form.ticked.get(name, []).contains(option),
                on_change=lambda on: form.toggle_choice(name, option, on),
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


def _json_editor(form: Any, field: Any, name: StringVar[str]) -> rx.Component:
    return rx.text_area(
        value=_text(form, name),
        on_change=lambda v: form.set_value(name, v),
        id="field-" + name,
        aria_label=field["label"],
        font_family="monospace",
        rows="4",
        spell_check=False,
        width="100%",
    )


def field_input(field: Any) -> rx.Component:
    """One param of the trigger dialog (``form_field`` for ``TriggerState``)."""
    return form_field(field, TriggerState)


def form_field(field: Any, form: Any) -> rx.Component:
    """One param: its label, the widget for its kind, what it means, its bounds and default,
    and the schema's complaint about its value, as ``form`` (a state class) holds them."""
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
                    on_click=form.set_value(name, ""),
                    class_name="field-clear",
                    aria_label="Clear " + field["label"],
                ),
            ),
            align="center",
            width="100%",
        ),
        rx.match(
            field["kind"],
            (SWITCH, _switch(form, field, name)),
            (
                INTEGER,
                NUMBER,
                _input(
                    form,
                    field,
                    name,
                    "number",
                    min=field["minimum"],
                    max=field["maximum"],
                    step=field["step"],
                ),
            ),
            (ENUM, _select(form, field, name)),
            (CHOICES, _choices(form, field, name)),
            (DATE, _input(form, field, name, "date")),
            (DATETIME, _input(form, field, name, "datetime-local")),
            (TIME, _input(form, field, name, "time", step="1")),
            (JSON, _json_editor(form, field, name)),
            _input(form, field, name, "text"),
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
            form.field_errors.contains(name),
            rx.text(
                form.field_errors.get(name, ""),
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
