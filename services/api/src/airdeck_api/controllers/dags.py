"""``/dags``: the DAG list, a DAG's detail, its structure, its overview and its grid."""

from __future__ import annotations

import re
from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from airdeck_api.controllers.paging import NO_CONTROL_CHARACTERS, Limit, Page
from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.schemas.dags import DagEnvelope
from airdeck_api.services import grid as grid_runs
from airdeck_api.services import overview as overview_runs
from airdeck_api.services.dags import DagQuery, DagService, group_ids
from airdeck_api.services.deployments import DeploymentService
from airdeck_api.services.grid import GridService
from airdeck_api.services.overview import OverviewService
from airdeck_domain.analytics import DagOverview
from airdeck_domain.errors import InvalidInputError
from airdeck_domain.grid import Grid
from airdeck_domain.models import DagPage, DagSort, Graph

Text = Annotated[str | None, QueryParameter(max_length=200)]
Collapsed = Annotated[
    str | None,
    QueryParameter(
        max_length=4000, description="Task group ids to draw as one node each, comma-separated"
    ),
]


OverviewRuns = Annotated[
    int,
    QueryParameter(
        name="runs",
        ge=1,
        le=overview_runs.MAX_RUNS,
        description=f"How many of the last runs, 1-{overview_runs.MAX_RUNS}",
    ),
]
GridRuns = Annotated[
    int,
    QueryParameter(
        name="runs",
        ge=1,
        le=grid_runs.MAX_RUNS,
        description=f"How many of the last runs, 1-{grid_runs.MAX_RUNS}",
    ),
]


def plain_texts(name: str, values: list[str] | None) -> tuple[str, ...]:
    """``values`` of the list parameter ``name``; InvalidInputError (400) when one holds a
    control character, which Airflow would answer with a 500."""
    found = tuple(values or ())
    if any(re.search(r"[\x00-\x1f\x7f]", value) for value in found):
        message = f"{name} values may not contain control characters"
        raise InvalidInputError(message, errors={name: message})
    return found


class DagController(Controller):
    """DAGs of a deployment."""

    path = "/dags"
    tags = ["DAGs"]

    @get("/", operation_id="listDags", opt={"permission": "dags:read"}, responses=PROBLEM_RESPONSES)
    async def list_dags(
        self,
        deployments: Injected[DeploymentService],
        deployment: Annotated[
            str | None,
            QueryParameter(
                max_length=64,
                description="The Airflow deployment to list (the default one when omitted), or "
                "* for every deployment you may see in one list: sorted and paged across them, "
                "each DAG naming its deployment, those that cannot be asked in `unavailable`.",
            ),
        ] = None,
        page: Page = 1,
        limit: Limit = 25,
        search: Annotated[
            str | None,
            QueryParameter(
                max_length=200,
                pattern=NO_CONTROL_CHARACTERS,
                description="Part of the DAG id (no control characters)",
            ),
        ] = None,
        tags: Annotated[
            list[str] | None, QueryParameter(description="Any of these Airflow or custom tags")
        ] = None,
        paused: Annotated[bool | None, QueryParameter(description="Paused or not")] = None,
        owner: Annotated[list[str] | None, QueryParameter(description="DAG owners")] = None,
        environment: Annotated[
            str | None,
            QueryParameter(
                max_length=64, pattern=NO_CONTROL_CHARACTERS, description="Product environment"
            ),
        ] = None,
        team: Annotated[
            str | None,
            QueryParameter(
                max_length=64, pattern=NO_CONTROL_CHARACTERS, description="Owner team (product)"
            ),
        ] = None,
        favorites: Annotated[bool, QueryParameter(description="Only your favorites")] = False,
        sort: Annotated[
            DagSort,
            QueryParameter(description="Order of the whole list; a leading - reverses it"),
        ] = "dag_id",
    ) -> DagPage:
        """A page of DAGs with last run, next run, a human schedule and product data, of one
        deployment or (``deployment=*``) of all of them."""
        query = DagQuery(
            page=page,
            limit=limit,
            search=search or None,
            tags=plain_texts("tags", tags),
            owners=plain_texts("owner", owner),
            paused=paused,
            environment=environment or None,
            team=team or None,
            favorites=favorites,
            sort=sort,
        )
        return await deployments.dag_page(deployment, query)

    @get(
        "/{dag_id:str}",
        operation_id="getDag",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def get_dag(self, dag_id: FromPath[str], dags: Injected[DagService]) -> DagEnvelope:
        """A DAG with its params schema, doc, latest version and product data."""
        return DagEnvelope(dag=await dags.detail(dag_id))

    @get(
        "/{dag_id:str}/structure",
        operation_id="getDagStructure",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def structure(
        self,
        dag_id: FromPath[str],
        dags: Injected[DagService],
        collapsed: Collapsed = None,
    ) -> Graph:
        """The DAG's tasks and dependencies, laid out left to right."""
        return await dags.structure(dag_id, group_ids(collapsed))

    @get(
        "/{dag_id:str}/overview",
        operation_id="getDagOverview",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def overview(
        self,
        dag_id: FromPath[str],
        overview: Injected[OverviewService],
        last: OverviewRuns = overview_runs.DEFAULT_RUNS,
    ) -> DagOverview:
        """How the DAG's last ``runs`` runs went, oldest first: each run's duration and state,
        median and p95 duration of the finished ones, success rate, queue delay (queued →
        started), and the slowest tasks with their duration in each run (a mapped task by its
        wall-clock span)."""
        return await overview.overview(dag_id, runs=last)

    @get(
        "/{dag_id:str}/grid",
        operation_id="getDagGrid",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def grid(
        self,
        dag_id: FromPath[str],
        grid: Injected[GridService],
        last: GridRuns = grid_runs.DEFAULT_RUNS,
    ) -> Grid:
        """The DAG's tasks as rows and its last ``runs`` runs as columns, oldest first: each
        cell the task's state in that run (null where it has no instance), a mapped task's with
        its instances counted per state. Each task group is a row of its own directly above its
        members, its cells aggregating theirs as a collapsed group of the run graph does."""
        return await grid.grid(dag_id, runs=last)
