"""A DAG's cross-run grid: its tasks' states in its recent runs, computed by the domain from
cached reads."""

from __future__ import annotations

import asyncio

from airdeck_api.services.context import RequestContext
from airdeck_api.services.runs import RunService
from airdeck_domain.grid import Grid, grid

MAX_RUNS = 100
"""The most runs a grid draws, a column each: one page of Airflow's runs."""
DEFAULT_RUNS = 25


class GridService:
    """The grid of a DAG's last runs, for one deployment.

    Reads what the overview reads (one page of runs, shared with the runs list's cache for a
    few seconds, and their task instances in one batched read, kept per run so a finished
    run's never cost Airflow again) plus the DAG's tasks, cached per DAG version: a warm grid
    costs Airflow nothing, a later one only the runs still new or live.
    """

    def __init__(self, context: RequestContext) -> None:
        self.access = context.access
        self.runs = RunService(context)

    async def grid(self, dag_id: str, *, runs: int) -> Grid:
        """Each task's (and task group's) state in each of the DAG's last ``runs`` runs the
        caller may read, oldest run first."""
        await self.access.require("dags:read", dag_id)
        page, tasks = await asyncio.gather(
            self.runs.cached_page(dag_id, page=1, limit=runs), self.runs.catalog.tasks(dag_id)
        )
        instances = await self.runs.instances_of(page.items)
        return grid(dag_id, tasks, page.items, instances)
