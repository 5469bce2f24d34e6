"""The DAG page's trigger dialog, drawn from the DAG's params schema (as a form or raw JSON),
and the DAG's saved configs that fill it."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.api_client import ApiError
from airdeck_web.models import SavedConfig
from airdeck_web.param_form import (
    MisfitError,
    conf_from_raw,
    conf_from_values,
    conf_json,
    default_values,
    field_problems,
    form_problems,
    values_from_conf,
    values_from_raw,
)
from airdeck_web.states.dag import DagState
from airdeck_web.states.event import event
from airdeck_web.states.params_form import ParamsFormState


class TriggerState(ParamsFormState, DagState):
    """The trigger dialog of /workflows/[dag_id] and the DAG's saved configs."""

    dialog_open: rx.Field[bool] = rx.field(False)
    raw_mode: rx.Field[bool] = rx.field(False)
    raw_conf: rx.Field[str] = rx.field("{}")
    raw_error: rx.Field[str] = rx.field("")
    note: rx.Field[str] = rx.field("")
    trigger_error: rx.Field[str] = rx.field("")
    last_triggered: rx.Field[str] = rx.field("")
    configs: rx.Field[list[SavedConfig]] = rx.field(default_factory=list)
    config_message: rx.Field[str] = rx.field("")

    @event
    async def load_form(self) -> None:
        """Draw the form from the DAG's params (read by ``DagState.load`` just before) and read
        its saved configs; open the dialog when the URL asks for it (``?trigger=1``)."""
        self.dialog_open = False
        if not self.dag or self.dag.get("dag_id", self.dag_id) != self.dag_id:
            return
        self._draw_form(self.dag.get("params_schema") or {})
        self._reset_form()
        try:
            async with self.api() as api:
                self.configs = await api.configs(self.dag_id)
        except ApiError as exc:
            self.error = exc.detail
            return
        self.dialog_open = self.router.page.params.get("trigger") == "1"

    @event
    def open_trigger(self) -> None:
        self.dialog_open = True
        self._reset_form()

    def _reset_form(self) -> None:
        """The trigger form (and its raw JSON) at the params' defaults, with no errors."""
        self.field_errors, self.trigger_error, self.raw_error = {}, "", ""
        self.values = default_values(self._params_schema)
        self.raw_conf = conf_json(conf_from_values(self._params_schema, self.values)[0])

    @event
    def close_trigger(self) -> None:
        self.dialog_open = False

    @event
    def set_raw_mode(self, value: bool) -> None:
        """Switch between the form and raw JSON, carrying the conf across; a side that cannot
        take it keeps the dialog where it is and says why."""
        if value:
            conf, unreadable = conf_from_values(self._params_schema, self.values)
            if unreadable:
                self.field_errors = {**self.field_errors, **unreadable}
                self.trigger_error = "Fix the fields marked in red to see them as raw JSON."
                return
            self.raw_conf, self.raw_error, self.trigger_error = conf_json(conf), "", ""
        else:
            try:
                self.values = values_from_raw(self._params_schema, self.raw_conf)
            except ValueError as exc:
                self.raw_error = str(exc)
                return
            self.field_errors, self.raw_error, self.trigger_error = {}, "", ""
        self.raw_mode = value

    @event
    def set_raw_conf(self, value: str) -> None:
        """Take the raw JSON and show at once whether the params accept it."""
        self.raw_conf = value
        try:
            conf_from_raw(self._params_schema, value)
            self.raw_error = ""
        except ValueError as exc:
            self.raw_error = str(exc)

    @event
    def set_note(self, value: str) -> None:
        self.note = value

    @event
    def use_config(self, config_id: str) -> None:
        """Fill the trigger form with a saved config."""
        self._apply_config(config_id)

    def _apply_config(self, config_id: str) -> None:
        """Show a saved config in the form, or as raw JSON when the form cannot show it
        (the params changed since it was saved)."""
        saved = next((c for c in self.configs if c["id"] == config_id), None)
        if not saved:
            return
        self.raw_conf, self.field_errors, self.raw_error = conf_json(saved["conf"]), {}, ""
        try:
            self.values = values_from_conf(self._params_schema, saved["conf"])
        except MisfitError as exc:
            self.raw_mode = True
            self.raw_error = f"The form cannot show this config ({exc}); it is shown as raw JSON."

    def _conf_to_send(self, nothing_done: str) -> dict[str, Any] | None:
        """The dialog's conf (the form's, or the raw JSON's), checked against the params; None
        after showing what to fix, ending with ``nothing_done``."""
        self.field_errors, self.trigger_error = {}, ""
        if self.raw_mode:
            try:
                return conf_from_raw(self._params_schema, self.raw_conf)
            except ValueError as exc:
                self.raw_error = str(exc)
                self.trigger_error = f"Fix the JSON; {nothing_done}."
                return None
        conf, self.field_errors = form_problems(self._params_schema, self.values)
        if self.field_errors:
            self.trigger_error = f"Fix the fields marked in red; {nothing_done}."
            return None
        return conf

    async def _change_config(self, config_id: str, change: dict[str, Any] | None) -> None:
        """Send one change of a saved config (None: delete it), then show the configs as they
        now are."""
        try:
            async with self.api() as api:
                await api.change_config(self.dag_id, config_id, change)
                self.configs = await api.configs(self.dag_id)
            self.config_message = ""
        except ApiError as exc:
            self.config_message = exc.detail

    @event
    async def rename_config(self, form: dict[str, Any]) -> None:
        """Give a saved config (the form's ``config_id``) the form's ``name``."""
        name = str(form.get("name", "")).strip()
        if not name:
            self.config_message = "A saved config needs a name."
            return
        await self._change_config(str(form["config_id"]), {"name": name})

    @event
    async def share_config(self, config_id: str, shared: bool) -> None:
        """Share a saved config with everyone who may trigger the DAG, or make it private."""
        await self._change_config(config_id, {"shared": shared})

    @event
    async def delete_config(self, config_id: str) -> None:
        await self._change_config(config_id, None)

    @event
    def run_config(self, config_id: str) -> None:
        """Open the trigger dialog filled with a saved config."""
        self._apply_config(config_id)
        self.dialog_open = True

    @event
    async def save_config(self, form: dict[str, Any]) -> None:
        """Save the trigger form's conf under the name given, checked against the params."""
        name = str(form.get("config_name", "")).strip()
        if not name:
            self.trigger_error = "Name the config to save it."
            return
        conf = self._conf_to_send("nothing was saved")
        if conf is None:
            return
        try:
            async with self.api() as api:
                await api.save_config(self.dag_id, name, conf, bool(form.get("shared")))
                self.configs = await api.configs(self.dag_id)
        except ApiError as exc:
            self.trigger_error = exc.detail

    @event
    async def submit_trigger(self) -> Any:
        """Trigger with the form's (or raw JSON's) conf; the API's field errors show inline."""
        conf = self._conf_to_send("nothing was triggered")
        if conf is None:
            return None
        try:
            async with self.api() as api:
                run = await api.trigger(self.dag_id, conf, self.note)
        except ApiError as exc:
            self.field_errors = field_problems(
                {k.removeprefix("conf."): v for k, v in exc.errors.items()}
            )
            self.trigger_error = exc.detail
            if self.raw_mode and exc.errors:
                # The fields are out of sight: their errors go under the raw JSON.
                self.raw_error = "; ".join(f"{k}: {v}" for k, v in self.field_errors.items())
            return None
        self.dialog_open = False
        self.last_triggered = run["run_id"]
        # The new run is what the person wants to see next: among the runs.
        self.tab = "runs"
        await self._runs()
        return rx.toast.success(f"Triggered {run['run_id']}")
