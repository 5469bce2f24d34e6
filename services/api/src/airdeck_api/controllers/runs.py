"""``/dags/{dag_id}/runs``: runs, a run's tasks, its graph, its Gantt and its mapped instances."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import FromPath, QueryParameter

from airdeck_api.controllers.dags import Collapsed
from airdeck_api.controllers.paging import Page
from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.schemas.runs import RunEnvelope, RunSnapshot, TaskList
from airdeck_api.services.dags import group_ids
from airdeck_api.services.gantt import GanttService
from airdeck_api.services.runs import RunService
from airdeck_domain.errors import InvalidInputError
from airdeck_domain.gantt import Gantt
from airdeck_domain.models import Graph, RunPage, TaskInstancePage

States = Annotated[
    list[str] | None, QueryParameter(name="state", description="Only runs in these states")
]
Expand = Annotated[
    str | None,
    QueryParameter(
        max_length=4000, description="Mapped task ids whose instances to list, comma-separated"
    ),
]
CONF_PREFIX = "conf."


def conf_filter(request: Request[Any, Any, Any]) -> dict[str, str]:
    """``conf.<key>=<value>`` query parameters as ``{key: value}``."""
    conf = {
        key[len(CONF_PREFIX) :]: value
        for key, value in request.query_params.items()
        if key.startswith(CONF_PREFIX)
    }
    bad = [k for k in conf if not k or len(k) > 100]
    if bad:
        raise InvalidInputError(
            "conf filters look like conf.<key>=<value>", errors={"conf": "empty or too long key"}
        )
    return conf


class RunController(Controller):
    """Runs of a DAG and what happened in them."""

    path = "/dags/{dag_id:str}/runs"
    tags = ["Runs"]

    @get("/", operation_id="listRuns", opt={"permission": "dags:read"}, responses=PROBLEM_RESPONSES)
    async def list_runs(
        self,
        request: Request[Any, Any, Any],
        dag_id: FromPath[str],
        runs: Injected[RunService],
        page: Page = 1,
        limit: Annotated[int, QueryParameter(ge=1, le=50, description="Page size, 1-50")] = 20,
        states: States = None,
    ) -> RunPage:
        """A page of the DAG's runs, newest first. ``conf.<key>=<value>`` finds runs started
        through Airdeck with that conf (Airflow itself can't search by conf)."""
        return await runs.page(
            dag_id,
            conf=conf_filter(request),
            page=page,
            limit=limit,
            states=tuple(states or ()),
        )

    @get(
        "/{run_id:str}",
        operation_id="getRun",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def get_run(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        runs: Injected[RunService],
    ) -> RunEnvelope:
        """One run."""
        return RunEnvelope(run=await runs.detail(dag_id, run_id))

    @get(
        "/{run_id:str}/tasks",
        operation_id="listRunTasks",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def tasks(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        runs: Injected[RunService],
    ) -> TaskList:
        """One entry per task in execution order; mapped tasks aggregated with counts per state."""
        return TaskList(tasks=await runs.summaries(dag_id, run_id))

    @get(
        "/{run_id:str}/graph",
        operation_id="getRunGraph",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def graph(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        runs: Injected[RunService],
        collapsed: Collapsed = None,
    ) -> Graph:
        """The laid-out structure with this run's states on its nodes."""
        return await runs.graph(dag_id, run_id, group_ids(collapsed))

    @get(
        "/{run_id:str}/snapshot",
        operation_id="getRunSnapshot",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def snapshot(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        runs: Injected[RunService],
        collapsed: Collapsed = None,
    ) -> RunSnapshot:
        """What a run page polls, in one response: the run, its graph with this run's states
        (as ``…/graph``) and one summary per task (as ``…/tasks``)."""
        return await runs.snapshot(dag_id, run_id, group_ids(collapsed))

    @get(
        "/{run_id:str}/gantt",
        operation_id="getRunGantt",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def gantt(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        gantt: Injected[GanttService],
        expand: Expand = None,
    ) -> Gantt:
        """Every try of every task instance on one time line, in seconds from ``origin``: queued
        (``queued`` → ``started``) and running (``started`` → ``ended``). Works on a running
        run: a try still queued or running ends at ``as_of`` (None once nothing is live). A
        mapped task is one row spanning its instances (by their latest tries); ``expand``
        lists the instances of the mapped tasks named (400 naming any that is not one)."""
        return await gantt.gantt(dag_id, run_id, group_ids(expand))

    @get(
        "/{run_id:str}/tasks/{task_id:str}/mapped",
        operation_id="listMappedInstances",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def mapped(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        task_id: FromPath[str],
        runs: Injected[RunService],
        page: Page = 1,
        limit: Annotated[int, QueryParameter(ge=1, le=200, description="Page size, 1-200")] = 50,
        states: States = None,
    ) -> TaskInstancePage:
        """A page of a mapped task's instances by map index."""
        return await runs.mapped(
            dag_id, run_id, task_id, page=page, limit=limit, states=tuple(states or ())
        )
