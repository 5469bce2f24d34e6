"""DAG use cases: the list with last runs, the detail, and the laid-out structure."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import msgspec

from airdeck_adapters.airflow import AirflowClient
from airdeck_adapters.cache import CacheStore
from airdeck_api.services.cached import read_through
from airdeck_domain import caching
from airdeck_domain.graph import build_graph
from airdeck_domain.layout import layout
from airdeck_domain.models import Dag, DagDetail, DagPage, Graph, LastRun


class DagQuery(msgspec.Struct, kw_only=True, frozen=True):
    """Filters and page of a DAG list request."""

    page: int = 1
    limit: int = 25
    search: str | None = None
    tags: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    paused: bool | None = None


class _LastRunEntry(msgspec.Struct):
    run: LastRun | None


class DagService:
    """What the API shows of DAGs, for one deployment."""

    def __init__(self, airflow: AirflowClient, cache: CacheStore) -> None:
        self.airflow = airflow
        self.cache = cache

    async def page(self, query: DagQuery) -> DagPage:
        """One page of DAGs with each one's last run."""
        dags, total = await self.airflow.list_dags(
            offset=(query.page - 1) * query.limit,
            limit=query.limit,
            search=query.search,
            tags=query.tags,
            owners=query.owners,
            paused=query.paused,
        )
        return DagPage(
            dags=await self.with_last_runs(dags), total=total, page=query.page, limit=query.limit
        )

    async def with_last_runs(self, dags: Sequence[Dag]) -> list[Dag]:
        """The DAGs with ``last_run`` filled, fetched concurrently (cached per the list policy)."""
        ttl = caching.dag_list().ttl

        async def one(dag: Dag) -> Dag:
            async def load() -> _LastRunEntry:
                return _LastRunEntry(run=await self.airflow.latest_run(dag.dag_id))

            key = f"{self.airflow.name}:last-run:{dag.dag_id}"
            entry = await read_through(self.cache, key, ttl, _LastRunEntry, load)
            return msgspec.structs.replace(dag, last_run=entry.run)

        return list(await asyncio.gather(*(one(d) for d in dags)))

    async def forget_last_run(self, dag_id: str) -> None:
        """Drop the cached last run of a DAG (after a trigger, so the list shows the new run)."""
        await self.cache.delete_prefix(f"{self.airflow.name}:last-run:{dag_id}")

    async def detail(self, dag_id: str) -> DagDetail:
        """A DAG's detail with its last run."""
        dag = await self.airflow.get_dag(dag_id)
        return msgspec.structs.replace(dag, last_run=await self.airflow.latest_run(dag_id))

    async def structure(self, dag_id: str) -> Graph:
        """The DAG's graph, laid out; cached per DAG version so a deploy is seen at once."""
        dag = await self.airflow.get_dag(dag_id)
        version = dag.latest_dag_version.version_number if dag.latest_dag_version else None
        policy = caching.structure(self.airflow.name, dag_id, version)

        async def load() -> Graph:
            return layout(build_graph(await self.airflow.list_tasks(dag_id)))

        return await read_through(self.cache, policy.key, policy.ttl, Graph, load)
