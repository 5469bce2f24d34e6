"""``/dags/{dag_id}/runs``: runs, a run's tasks, its graph and its mapped instances."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from airdeck_api.controllers.schemas import RunEnvelope, TaskList
from airdeck_api.dependencies import Injected
from airdeck_api.services.dags import DagService
from airdeck_api.services.runs import RunService
from airdeck_domain.models import Graph, RunPage, TaskInstancePage
from airdeck_domain.rbac import Principal

Page = Annotated[int, QueryParameter(ge=1, description="1-based page number")]
States = Annotated[list[str] | None, QueryParameter(name="state", description="Only these states")]


class RunController(Controller):
    """Runs of a DAG and what happened in them."""

    path = "/dags/{dag_id:str}/runs"
    tags = ["Runs"]

    @get("/", operation_id="listRuns", opt={"permission": "dags:read"})
    async def list_runs(
        self,
        dag_id: FromPath[str],
        runs: Injected[RunService],
        principal: Injected[Principal],
        page: Page = 1,
        limit: Annotated[int, QueryParameter(ge=1, le=50, description="Page size, 1-50")] = 20,
        states: States = None,
    ) -> RunPage:
        """A page of the DAG's runs, newest first."""
        return await runs.page(dag_id, page=page, limit=limit, states=tuple(states or ()))

    @get("/{run_id:str}", operation_id="getRun", opt={"permission": "dags:read"})
    async def get_run(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        runs: Injected[RunService],
        principal: Injected[Principal],
    ) -> RunEnvelope:
        """One run."""
        return RunEnvelope(run=await runs.get(dag_id, run_id))

    @get("/{run_id:str}/tasks", operation_id="listRunTasks", opt={"permission": "dags:read"})
    async def tasks(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        runs: Injected[RunService],
        principal: Injected[Principal],
    ) -> TaskList:
        """One entry per task in execution order; mapped tasks aggregated with counts per state."""
        return TaskList(tasks=await runs.summaries(dag_id, run_id))

    @get("/{run_id:str}/graph", operation_id="getRunGraph", opt={"permission": "dags:read"})
    async def graph(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        runs: Injected[RunService],
        dags: Injected[DagService],
        principal: Injected[Principal],
    ) -> Graph:
        """The laid-out structure with this run's states on its nodes."""
        return await runs.graph(dag_id, run_id, dags)

    @get(
        "/{run_id:str}/tasks/{task_id:str}/mapped",
        operation_id="listMappedInstances",
        opt={"permission": "dags:read"},
    )
    async def mapped(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        task_id: FromPath[str],
        runs: Injected[RunService],
        principal: Injected[Principal],
        page: Page = 1,
        limit: Annotated[int, QueryParameter(ge=1, le=200, description="Page size, 1-200")] = 50,
        states: States = None,
    ) -> TaskInstancePage:
        """A page of a mapped task's instances by map index."""
        return await runs.mapped(
            dag_id, run_id, task_id, page=page, limit=limit, states=tuple(states or ())
        )
