"""A DAG's page: header, runs, details, and the trigger dialog built from its params schema."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import reflex as rx

from airdeck_domain.polling import next_interval
from airdeck_web.api_client import ApiError
from airdeck_web.conf_search import conf_params
from airdeck_web.flow_elements import flow_edges, flow_nodes, graph_params, group_ids, toggled
from airdeck_web.overview_rows import headline, run_rows, task_rows
from airdeck_web.param_form import (
    FieldRow,
    MisfitError,
    chosen,
    conf_from_raw,
    conf_from_values,
    conf_json,
    default_values,
    field_problems,
    form_fields,
    form_problems,
    toggled_choice,
    values_from_conf,
    values_from_raw,
)
from airdeck_web.rows import shown
from airdeck_web.states.auth import AuthState
from airdeck_web.states.event import event
from airdeck_web.tabs import Presence

RUNS_PAGE = 20
DAG_ROUTE = "/workflows/[dag_id]"
OVERVIEW_RUNS = 25


class DagState(AuthState):
    """What /workflows/[dag_id] shows."""

    dag: rx.Field[dict[str, Any]] = rx.field(default_factory=dict)
    runs: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    runs_total: rx.Field[int] = rx.field(0)
    runs_page: rx.Field[int] = rx.field(1)
    run_state: rx.Field[str] = rx.field("all")
    conf_search: rx.Field[str] = rx.field("")
    """Runs triggered through Airdeck with this conf (``key=value`` pairs), or all runs."""
    conf_error: rx.Field[str] = rx.field("")
    watching: rx.Field[bool] = rx.field(False)
    tab: rx.Field[str] = rx.field("overview")
    overview_dag: rx.Field[str] = rx.field("")
    overview_runs: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    overview_tasks: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    overview_figures: rx.Field[dict[str, Any]] = rx.field(default_factory=dict)
    overview_as_table: rx.Field[bool] = rx.field(False)
    error: rx.Field[str] = rx.field("")
    structure_nodes: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    structure_edges: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    structure_collapsed: rx.Field[list[str]] = rx.field(default_factory=list)
    structure_dag: rx.Field[str] = rx.field("")
    fields: rx.Field[list[FieldRow]] = rx.field(default_factory=list)
    values: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    """Each trigger field's widget text (airdeck_web.param_form)."""
    field_errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    dialog_open: rx.Field[bool] = rx.field(False)
    raw_mode: rx.Field[bool] = rx.field(False)
    raw_conf: rx.Field[str] = rx.field("{}")
    raw_error: rx.Field[str] = rx.field("")
    _params_schema: dict[str, Any] = {}
    """The schema the trigger form was drawn from (polls may refresh ``dag`` meanwhile)."""
    note: rx.Field[str] = rx.field("")
    trigger_error: rx.Field[str] = rx.field("")
    last_triggered: rx.Field[str] = rx.field("")
    configs: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    metadata_message: rx.Field[str] = rx.field("")
    config_message: rx.Field[str] = rx.field("")

    @event
    async def save_metadata(self, form: dict[str, Any]) -> None:
        """Admins: set environment, owner team, custom tags (comma-separated) and the
        product's description of the DAG."""
        body = {
            "environment": str(form.get("environment", "")).strip() or None,
            "owner_team": str(form.get("owner_team", "")).strip() or None,
            "custom_tags": [
                t.strip() for t in str(form.get("custom_tags", "")).split(",") if t.strip()
            ],
            "description": str(form.get("description", "")).strip() or None,
        }
        try:
            async with self.api() as api:
                await api.orchestrator("PATCH", "dags", self.dag_id, "metadata", json=body)
                self.dag = (await api.orchestrator("GET", "dags", self.dag_id))["dag"]
            self.metadata_message = "Saved."
        except ApiError as exc:
            self.metadata_message = exc.detail

    @rx.var
    def header_facts(self) -> dict[str, str]:
        """Schedule, owners, tags and environment for the page header."""
        return {
            "schedule": str(self.dag.get("schedule_description") or "—"),
            "owners": ", ".join(self.dag.get("owners", [])) or "—",
            "tags": ", ".join(self.dag.get("tags", []) + self.dag.get("custom_tags", [])) or "—",
            "environment": str(self.dag.get("environment") or "no environment"),
        }

    @rx.var
    def title(self) -> str:
        """The DAG's display name (Airflow's ``display_name``, any unicode), else its id."""
        return str(self.dag.get("display_name") or self.dag_id)

    @rx.var
    def shows_dag_id(self) -> bool:
        """Whether the id goes beside the title: only when the display name differs."""
        return bool(self.dag) and self.title != self.dag_id

    @rx.var
    def custom_tags_text(self) -> str:
        return ", ".join(self.dag.get("custom_tags", []))

    @rx.var
    def params_json(self) -> str:
        return json.dumps(self.dag.get("params_schema") or {}, indent=2)

    @rx.var
    def doc(self) -> str:
        return str(self.dag.get("doc_md") or "No documentation.")

    @rx.var
    def dag_id(self) -> str:
        return str(self.router.page.params.get("dag_id", ""))

    def _runs_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {"page": self.runs_page, "limit": RUNS_PAGE}
        if self.run_state != "all":
            params["state"] = self.run_state
        params.update(conf_params(self.conf_search))
        return params

    def _show_runs(self, body: dict[str, Any]) -> None:
        self.runs_total = int(body["total"])
        self.runs = [shown(r, "duration_seconds") for r in body["runs"]]

    async def _runs(self) -> None:
        async with self.api() as api:
            body = await api.orchestrator(
                "GET", "dags", self.dag_id, "runs", params=self._runs_params()
            )
        self._show_runs(body)

    @event(background=True)
    async def watch(self) -> None:
        """Refresh the header and the runs shown at the polling policy's pace while a DAG's
        page is on screen (and its tab there); one watcher per tab, following the DAG shown.

        The state is locked only to read what to ask and to apply the answer, never while the
        API answers, so the reader's clicks never wait for a poll."""
        async with self:
            if self.watching:
                return
            self.watching = True
        pace = next_interval("dag") or 10.0
        presence = Presence(self.router.session.client_token)
        while True:
            await asyncio.sleep(pace)
            async with self:
                if self.router.page.path != DAG_ROUTE or presence.gone():
                    self.watching = False
                    return
                api, dag_id, params = self.api(), self.dag_id, self._runs_params()
            try:
                async with api:
                    dag = await api.orchestrator("GET", "dags", dag_id)
                    runs = await api.orchestrator("GET", "dags", dag_id, "runs", params=params)
                problem = ""
            except ApiError as exc:
                dag, runs, problem = {}, {}, exc.detail
            async with self:
                # The person may have moved to another DAG or page meanwhile: apply nothing.
                if self.dag_id != dag_id or self._runs_params() != params:
                    continue
                self.error = problem
                if not problem:
                    self.dag = dag["dag"]
                    self._show_runs(runs)

    @event
    async def load(self) -> Any:
        """Fetch the DAG and its runs (and the open tab's data); open the trigger dialog when
        the URL asks for it."""
        self.error = ""
        if self.overview_dag != self.dag_id:
            self.overview_dag, self.overview_runs, self.overview_tasks = "", [], []
            self.overview_figures = {}
        try:
            async with self.api() as api:
                body = await api.orchestrator("GET", "dags", self.dag_id)
                configs = await api.orchestrator("GET", "dags", self.dag_id, "configs")
            self.dag = body["dag"]
            self.configs = configs["configs"]
            self._params_schema = self.dag.get("params_schema") or {}
            self.fields = form_fields(self._params_schema)
            self._reset_form()
            await self._runs()
            if self.tab == "overview":
                await self._overview()
        except ApiError as exc:
            self.error = exc.detail
            return None
        self.dialog_open = self.router.page.params.get("trigger") == "1" and bool(self.dag)
        return _load_grid() if self.tab == "grid" else None

    @event
    async def search_conf(self, form: dict[str, Any]) -> None:
        """Show only the runs triggered with the form's conf (blank: every run)."""
        text = str(form.get("conf", "")).strip()
        try:
            conf_params(text)
        except ValueError as exc:
            self.conf_error = str(exc)
            return
        self.conf_search, self.conf_error, self.runs_page = text, "", 1
        try:
            await self._runs()
        except ApiError as exc:
            self.conf_error = exc.detail

    @event
    async def set_run_state(self, value: str) -> None:
        self.run_state = value
        self.runs_page = 1
        await self._runs()

    @event
    async def go_to_runs_page(self, page: int) -> None:
        self.runs_page = max(1, page)
        await self._runs()

    async def _overview(self) -> None:
        """Fetch how the DAG's last runs went, for the overview's charts and tables."""
        async with self.api() as api:
            body = await api.orchestrator(
                "GET", "dags", self.dag_id, "overview", params={"runs": OVERVIEW_RUNS}
            )
        self.overview_dag = self.dag_id
        self.overview_runs = run_rows(body)
        self.overview_tasks = task_rows(body)
        self.overview_figures = headline(body)

    @event
    def set_overview_as_table(self, value: bool) -> None:
        self.overview_as_table = value

    @event
    async def set_tab(self, value: str) -> Any:
        self.tab = value
        if value == "grid":
            # Chained here, the grid is fetched as soon as the tab is, not a round trip later.
            return _load_grid()
        if value == "overview" and self.overview_dag != self.dag_id:
            try:
                await self._overview()
            except ApiError as exc:
                self.error = exc.detail
        if value == "graph" and self.structure_dag != self.dag_id:
            self.structure_nodes = []
            self.structure_collapsed = []
            await self._structure()

    async def _structure(self) -> None:
        """Fetch the DAG's laid-out structure with the collapsed groups as one node each."""
        try:
            async with self.api() as api:
                graph = await api.orchestrator(
                    "GET",
                    "dags",
                    self.dag_id,
                    "structure",
                    params=graph_params(self.structure_collapsed),
                )
        except ApiError as exc:
            self.error = exc.detail
            return
        self.structure_dag = self.dag_id
        self.structure_nodes = flow_nodes(graph["nodes"], self.structure_collapsed)
        self.structure_edges = flow_edges(graph["edges"])

    @rx.var
    def structure_key(self) -> str:
        """Changes when the drawn groups do, so the graph is fitted to the view again."""
        return f"{self.structure_dag}|{','.join(self.structure_collapsed)}"

    @event
    async def click_structure_node(self, node_id: str) -> None:
        """A click on the structure: a group's node toggles the group; tasks do nothing."""
        if node_id in group_ids(self.structure_nodes):
            self.structure_collapsed = toggled(self.structure_collapsed, node_id)
            await self._structure()

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

    @rx.var
    def ticked(self) -> dict[str, list[str]]:
        """The options ticked in each set of choices of the trigger form."""
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

    async def _change_config(self, method: str, config_id: str, body: Any = None) -> None:
        """Send one change of a saved config, then show the configs as they now are."""
        try:
            async with self.api() as api:
                await api.orchestrator(method, "dags", self.dag_id, "configs", config_id, json=body)
                self.configs = (await api.orchestrator("GET", "dags", self.dag_id, "configs"))[
                    "configs"
                ]
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
        await self._change_config("PATCH", str(form["config_id"]), {"name": name})

    @event
    async def share_config(self, config_id: str, shared: bool) -> None:
        """Share a saved config with everyone who may trigger the DAG, or make it private."""
        await self._change_config("PATCH", config_id, {"shared": shared})

    @event
    async def delete_config(self, config_id: str) -> None:
        await self._change_config("DELETE", config_id)

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
                await api.orchestrator(
                    "POST",
                    "dags",
                    self.dag_id,
                    "configs",
                    json={"name": name, "conf": conf, "shared": bool(form.get("shared"))},
                )
                self.configs = (await api.orchestrator("GET", "dags", self.dag_id, "configs"))[
                    "configs"
                ]
        except ApiError as exc:
            self.trigger_error = exc.detail

    @event
    async def submit_trigger(self) -> Any:
        """Trigger with the form's (or raw JSON's) conf; the API's field errors show inline."""
        conf = self._conf_to_send("nothing was triggered")
        if conf is None:
            return None
        body: dict[str, Any] = {"conf": conf}
        if self.note:
            body["note"] = self.note
        try:
            async with self.api() as api:
                run = await api.orchestrator("POST", "dags", self.dag_id, "runs", json=body)
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
        self.last_triggered = str(run["run_id"])
        # The new run is what the person wants to see next: among the runs.
        self.tab = "runs"
        await self._runs()
        return rx.toast.success(f"Triggered {run['run_id']}")


def _load_grid() -> Any:
    """The event that fetches the Grid tab's grid: ``GridState`` is a substate of ``DagState``,
    so its module imports this one and can only be named here once both are loaded."""
    from airdeck_web.states.grid import GridState

    return GridState.load_grid
