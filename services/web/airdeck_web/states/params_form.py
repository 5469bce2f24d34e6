"""A form drawn from a params schema (airdeck_web.param_form), shared as a state mixin by every
state that shows one (the trigger dialog, a required action's form, the backfill form), each
holding its own copy. ``components.trigger_form.form_field`` draws its fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import reflex as rx

from airdeck_web.param_form import (
    FieldRow,
    chosen,
    default_values,
    field_problems,
    form_fields,
    form_problems,
    toggled_choice,
)
from airdeck_web.states.event import event


class ParamsFormState(rx.State, mixin=True):
    """The fields of a params schema (``_draw_form``), their widget texts, and the schema's
    complaint about each, shown as it is typed."""

    fields: rx.Field[list[FieldRow]] = rx.field(default_factory=list)
    values: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    """Each field's widget text (airdeck_web.param_form)."""
    field_errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    _params_schema: dict[str, Any] = {}
    """The schema the form was drawn from (a poll may meanwhile read a newer one)."""

    @rx.var
    def ticked(self) -> dict[str, list[str]]:
        """The options ticked in each set of choices of the form."""
        return chosen(self.fields, self.values)

    @event
    def set_value(self, name: str, value: str) -> None:
        """Take a field's new widget text and show at once whether the schema accepts it."""
        self._take_value(name, value)

    @event
    def set_switch(self, name: str, on: bool) -> None:
        self._take_value(name, "true" if on else "false")

    @event
    def toggle_choice(self, name: str, option: str, on: bool) -> None:
        self._take_value(name, toggled_choice(self.values.get(name, ""), option, on))

    def _take_value(self, name: str, value: str) -> None:
        self.values = {**self.values, name: value}
        _, problems = form_problems(self._params_schema, self.values)
        self.field_errors = {
            **{k: v for k, v in self.field_errors.items() if k != name},
            **({name: problems[name]} if name in problems else {}),
        }

    def _draw_form(self, schema: dict[str, Any]) -> None:
        """Show ``schema``'s fields at their defaults, with no errors."""
        self._params_schema = schema
        self.fields = form_fields(schema)
        self.values = default_values(schema)
        self.field_errors = {}

    def _show_api_errors(self, errors: Mapping[str, str], prefix: str) -> dict[str, str]:
        """Put the API's per-field errors whose key starts with ``prefix`` (``conf.``) under
        their fields; the others, returned, are the caller's to show."""
        self.field_errors = field_problems(
            {k.removeprefix(prefix): v for k, v in errors.items() if k.startswith(prefix)}
        )
        return {k: v for k, v in errors.items() if not k.startswith(prefix)}
