"""A DAG's overview: how its recent runs went, computed by the domain from cached reads."""

from __future__ import annotations

from airdeck_api.services.context import RequestContext
from airdeck_api.services.runs import RunService
from airdeck_domain.analytics import DagOverview, overview

MAX_RUNS = 1000
"""The most runs an overview covers. Past Airflow's page of 100 the runs come from its batch
list, whose page size it does not cap (ADR 0027): 1,000 runs still cost two calls cold."""
DEFAULT_RUNS = 25


class OverviewService:
    """The overview of a DAG's last runs, for one deployment.

    Costs Airflow, cold, one read of the runs (up to ``MAX_RUNS`` in one call) and one
    batched read of their task instances (one call per 5,000, ADR 0027); the runs page is
    shared with the runs list's cache for a few seconds, and a finished run's instances are
    kept until a clear or a mark drops them, so a warm overview costs Airflow nothing and a
    later one only the runs still new.
    """

    def __init__(self, context: RequestContext) -> None:
        self.access = context.access
        self.runs = RunService(context)

    async def overview(self, dag_id: str, *, runs: int = DEFAULT_RUNS) -> DagOverview:
        """Durations, success rate, queue delay and the slowest tasks over the DAG's last
        ``runs`` runs (1 to ``MAX_RUNS``) the caller may read."""
        await self.access.require("dags:read", dag_id)
        page = await self.runs.cached_page(dag_id, page=1, limit=runs)
        instances = await self.runs.instances_of(page.items)
        return overview(dag_id, page.items, instances)
