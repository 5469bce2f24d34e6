"""A DAG's page: header, runs, details, and the trigger dialog built from its params schema."""

from __future__ import annotations

import json
from typing import Any

import reflex as rx

from airdeck_domain.conf import validate_conf
from airdeck_web.api_client import ApiError
from airdeck_web.flow_elements import flow_edges, flow_nodes, graph_params, group_ids, toggled
from airdeck_web.overview_rows import headline, run_rows, task_rows
from airdeck_web.rows import shown
from airdeck_web.states.auth import AuthState
from airdeck_web.states.event import event

RUNS_PAGE = 20
OVERVIEW_RUNS = 25


def form_fields(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """One form field per property of the params schema."""
    fields = []
    for name, prop in (schema.get("properties") or {}).items():
        kind = prop.get("type", "string")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "string")
        fields.append(
            {
                "name": name,
                "kind": "enum" if prop.get("enum") else kind,
                "options": [str(o) for o in prop.get("enum") or []],
                "description": prop.get("description") or "",
                "default": "" if prop.get("default") is None else str(prop.get("default")),
                "bounds": " ".join(
                    part
                    for part in (
                        f"min {prop['minimum']}" if "minimum" in prop else "",
                        f"max {prop['maximum']}" if "maximum" in prop else "",
                    )
                    if part
                ),
            }
        )
    return fields


def conf_from_form(fields: list[dict[str, Any]], values: dict[str, str]) -> dict[str, Any]:
    """The conf a filled form means: numbers as numbers, empty optional fields left out."""
    conf: dict[str, Any] = {}
    for field in fields:
        raw = values.get(field["name"], field["default"])
        if raw == "":
            continue
        if field["kind"] == "integer":
            try:
                conf[field["name"]] = int(raw)
                continue
            except ValueError:
                pass
        if field["kind"] == "number":
            try:
                conf[field["name"]] = float(raw)
                continue
            except ValueError:
                pass
        if field["kind"] == "boolean":
            conf[field["name"]] = raw.lower() in ("true", "1", "yes")
            continue
        conf[field["name"]] = raw
    return conf


class DagState(AuthState):
    """What /workflows/[dag_id] shows."""

    dag: rx.Field[dict[str, Any]] = rx.field(default_factory=dict)
    runs: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    runs_total: rx.Field[int] = rx.field(0)
    runs_page: rx.Field[int] = rx.field(1)
    run_state: rx.Field[str] = rx.field("all")
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
    fields: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    values: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    field_errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    dialog_open: rx.Field[bool] = rx.field(False)
    raw_mode: rx.Field[bool] = rx.field(False)
    raw_conf: rx.Field[str] = rx.field("{}")
    note: rx.Field[str] = rx.field("")
    trigger_error: rx.Field[str] = rx.field("")
    last_triggered: rx.Field[str] = rx.field("")
    configs: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    metadata_message: rx.Field[str] = rx.field("")

    @event
    async def save_metadata(self, form: dict[str, Any]) -> None:
        """Admins: set environment, owner team and custom tags (comma-separated)."""
        body = {
            "environment": str(form.get("environment", "")).strip() or None,
            "owner_team": str(form.get("owner_team", "")).strip() or None,
            "custom_tags": [
                t.strip() for t in str(form.get("custom_tags", "")).split(",") if t.strip()
            ],
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

    async def _runs(self) -> None:
        params: dict[str, Any] = {"page": self.runs_page, "limit": RUNS_PAGE}
        if self.run_state != "all":
            params["state"] = self.run_state
        async with self.api() as api:
            body = await api.orchestrator("GET", "dags", self.dag_id, "runs", params=params)
        self.runs_total = int(body["total"])
        self.runs = [shown(r, "duration_seconds") for r in body["runs"]]

    @event
    async def load(self) -> None:
        """Fetch the DAG and its runs; open the trigger dialog when the URL asks for it."""
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
            self.fields = form_fields(self.dag.get("params_schema") or {})
            await self._runs()
            if self.tab == "overview":
                await self._overview()
        except ApiError as exc:
            self.error = exc.detail
            return
        self.dialog_open = self.router.page.params.get("trigger") == "1" and bool(self.dag)

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
    async def set_tab(self, value: str) -> None:
        self.tab = value
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
        self.field_errors = {}
        self.trigger_error = ""
        self.values = {f["name"]: f["default"] for f in self.fields}
        self.raw_conf = json.dumps(conf_from_form(self.fields, self.values), indent=2)

    @event
    def close_trigger(self) -> None:
        self.dialog_open = False

    def _local_errors(self) -> dict[str, str]:
        """The form's problems by the DAG's params schema, found before anything is sent."""
        conf = conf_from_form(self.fields, self.values)
        return validate_conf(self.dag.get("params_schema") or {}, conf)

    @event
    def set_value(self, name: str, value: str) -> None:
        """Take a field's new value and show at once whether the schema accepts it."""
        self.values = {**self.values, name: value}
        problems = self._local_errors()
        self.field_errors = {
            **{k: v for k, v in self.field_errors.items() if k != name},
            **({name: problems[name]} if name in problems else {}),
        }

    @event
    def set_raw_mode(self, value: bool) -> None:
        if value:
            self.raw_conf = json.dumps(conf_from_form(self.fields, self.values), indent=2)
        self.raw_mode = value

    @event
    def set_raw_conf(self, value: str) -> None:
        self.raw_conf = value

    @event
    def set_note(self, value: str) -> None:
        self.note = value

    @event
    def use_config(self, config_id: str) -> None:
        chosen = next((c for c in self.configs if c["id"] == config_id), None)
        if chosen:
            self.values = {**self.values, **{k: str(v) for k, v in chosen["conf"].items()}}
            self.raw_conf = json.dumps(chosen["conf"], indent=2)

    @event
    async def save_config(self, form: dict[str, Any]) -> None:
        """Save the trigger form's conf under the name given, checked against the params."""
        name = str(form.get("config_name", "")).strip()
        if not name:
            self.trigger_error = "Name the config to save it."
            return
        self.trigger_error = ""
        conf = conf_from_form(self.fields, self.values)
        try:
            async with self.api() as api:
                await api.orchestrator(
                    "POST", "dags", self.dag_id, "configs", json={"name": name, "conf": conf}
                )
                self.configs = (await api.orchestrator("GET", "dags", self.dag_id, "configs"))[
                    "configs"
                ]
        except ApiError as exc:
            self.trigger_error = exc.detail

    @event
    async def submit_trigger(self) -> Any:
        """Trigger with the form's (or raw JSON's) conf; the API's field errors show inline."""
        self.field_errors = {}
        self.trigger_error = ""
        if self.raw_mode:
            try:
                conf = json.loads(self.raw_conf or "{}")
            except ValueError as exc:
                self.trigger_error = f"The conf is not valid JSON: {exc}"
                return None
        else:
            conf = conf_from_form(self.fields, self.values)
            self.field_errors = self._local_errors()
            if self.field_errors:
                self.trigger_error = "Fix the fields marked in red; nothing was triggered."
                return None
        body: dict[str, Any] = {"conf": conf}
        if self.note:
            body["note"] = self.note
        try:
            async with self.api() as api:
                run = await api.orchestrator("POST", "dags", self.dag_id, "runs", json=body)
        except ApiError as exc:
            self.field_errors = {k.removeprefix("conf."): v for k, v in exc.errors.items()}
            self.trigger_error = exc.detail
            return None
        self.dialog_open = False
        self.last_triggered = str(run["run_id"])
        # The new run is what the person wants to see next: among the runs.
        self.tab = "runs"
        await self._runs()
        return rx.toast.success(f"Triggered {run['run_id']}")
