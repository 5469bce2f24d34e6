"""A DAG's page: its header, runs, overview and structure graph. The trigger dialog and saved
configs (``states.trigger``), the metadata editor (``states.metadata``) and the grid
(``states.grid``) are substates of this one."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import reflex as rx

from airdeck_domain.polling import next_interval
from airdeck_web.api_client import ApiError
from airdeck_web.conf_search import conf_params
from airdeck_web.models import Dag, OverviewFigures, OverviewRun, OverviewTask, RunRow, RunsPage
from airdeck_web.overview_rows import headline, run_rows, task_rows
from airdeck_web.rows import run_row
from airdeck_web.states.auth import AuthState
from airdeck_web.states.event import event
from airdeck_web.states.graph import GraphState
from airdeck_web.tabs import Presence

RUNS_PAGE = 20
DAG_ROUTE = "/workflows/[dag_id]"
OVERVIEW_SPANS = ("25", "100", "1000")
"""How many of the last runs the overview may cover (the API allows up to 1,000)."""


class DagState(GraphState, AuthState):
    """What /workflows/[dag_id] shows; its Graph tab draws the DAG's structure."""

    dag: rx.Field[Dag] = rx.field(default_factory=Dag)
    runs: rx.Field[list[RunRow]] = rx.field(default_factory=list)
    runs_total: rx.Field[int] = rx.field(0)
    runs_page: rx.Field[int] = rx.field(1)
    run_state: rx.Field[str] = rx.field("all")
    conf_search: rx.Field[str] = rx.field("")
    """Runs triggered through Airdeck with this conf (``key=value`` pairs), or all runs."""
    conf_error: rx.Field[str] = rx.field("")
    watching: rx.Field[bool] = rx.field(False)
    tab: rx.Field[str] = rx.field("overview")
    overview_dag: rx.Field[str] = rx.field("")
    overview_runs: rx.Field[list[OverviewRun]] = rx.field(default_factory=list)
    overview_tasks: rx.Field[list[OverviewTask]] = rx.field(default_factory=list)
    overview_figures: rx.Field[OverviewFigures] = rx.field(default_factory=lambda: headline({}))
    """The overview's figures (as an overview of no runs reads them, until one is read)."""
    overview_as_table: rx.Field[bool] = rx.field(False)
    overview_span: rx.Field[str] = rx.field(OVERVIEW_SPANS[0])
    """How many of the last runs the overview covers, one of ``OVERVIEW_SPANS``."""
    error: rx.Field[str] = rx.field("")

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

    def _show_runs(self, page: RunsPage) -> None:
        self.runs_total = int(page["total"])
        self.runs = [run_row(r) for r in page["runs"]]

    async def _runs(self) -> None:
        """Fetch the page of runs the filters and pager ask for."""
        async with self.api() as api:
            page = await api.runs(self.dag_id, self._runs_params())
        self._show_runs(page)

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
                    dag = await api.dag(dag_id)
                    runs = await api.runs(dag_id, params)
                problem = ""
            except ApiError as exc:
                dag, runs, problem = Dag(), RunsPage(runs=[], total=0), exc.detail
            async with self:
                # The person may have moved to another DAG or page meanwhile: apply nothing.
                if self.dag_id != dag_id or self._runs_params() != params:
                    continue
                self.error = problem
                if not problem:
                    self.dag = dag
                    self._show_runs(runs)

    @event
    async def load(self) -> None:
        """Fetch the DAG and its runs (and the open tab's data). The page's load goes on with
        the trigger dialog (``TriggerState.load_form``) and the grid, when its tab is open
        (``GridState.follow_load``): substates, which this module does not name."""
        self.error = ""
        if self.overview_dag != self.dag_id:
            self.overview_dag, self.overview_runs, self.overview_tasks = "", [], []
            self.overview_figures = headline({})
        try:
            async with self.api() as api:
                self.dag = await api.dag(self.dag_id)
            await self._runs()
            if self.tab == "overview":
                await self._overview()
        except ApiError as exc:
            self.error = exc.detail

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
            body = await api.overview(self.dag_id, int(self.overview_span))
        self.overview_dag = self.dag_id
        self.overview_runs = run_rows(body)
        self.overview_tasks = task_rows(body)
        self.overview_figures = headline(body)

    @event
    def set_overview_as_table(self, value: bool) -> None:
        self.overview_as_table = value

    @event
    async def set_overview_span(self, value: str) -> None:
        """Cover the last ``value`` runs (one of ``OVERVIEW_SPANS``; anything else is ignored)."""
        if value in OVERVIEW_SPANS:
            self.overview_span = value
            await self._overview()

    @event
    async def set_tab(self, value: str) -> None:
        """Open a tab, reading what it shows unless it shows this DAG already (the grid reads
        itself: ``GridState.follow_tab``, chained on the same change)."""
        self.tab = value
        if value == "overview" and self.overview_dag != self.dag_id:
            try:
                await self._overview()
            except ApiError as exc:
                self.error = exc.detail
        if value == "graph" and self.graph_of != self.dag_id:
            self.nodes, self.collapsed = [], []
            await self._structure()

    async def _structure(self) -> None:
        """Fetch the DAG's laid-out structure with the collapsed groups as one node each."""
        try:
            async with self.api() as api:
                graph = await api.structure(self.dag_id, self._graph_params())
        except ApiError as exc:
            self.error = exc.detail
            return
        self._draw_graph(graph, self.dag_id)

    @event
    async def click_structure_node(self, node_id: str) -> None:
        """A click on the structure: a group's node toggles the group; tasks do nothing."""
        if self._is_group(node_id):
            self._toggle(node_id)
            await self._structure()
