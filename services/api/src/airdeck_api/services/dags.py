"""DAG use cases: the list with last runs, the detail, and the laid-out structure."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence

import msgspec

from airdeck_adapters.airflow import AirflowClient
from airdeck_adapters.airflow.client import AIRFLOW_PAGE_LIMIT
from airdeck_adapters.cache import CacheStore
from airdeck_api.services.access import DagAccess
from airdeck_api.services.cached import read_through
from airdeck_api.services.product import ProductData, scope_of
from airdeck_domain import caching
from airdeck_domain.errors import InvalidInputError
from airdeck_domain.graph import build_graph
from airdeck_domain.groups import collapse, groups_of
from airdeck_domain.layout import LayoutOptions, layout
from airdeck_domain.models import Dag, DagDetail, DagPage, DagSort, Graph, LastRun
from airdeck_domain.rbac import decide


def group_ids(raw: str | None) -> tuple[str, ...]:
    """The group ids of a comma-separated ``collapsed`` parameter, blanks dropped."""
    return tuple(part.strip() for part in (raw or "").split(",") if part.strip())


def collapsed_view(graph: Graph, collapsed: Iterable[str]) -> Graph:
    """``graph`` with the listed task groups drawn as one node each, laid out again.

    Raises ``InvalidInputError`` naming the ids that are not task groups of this graph.
    """
    wanted = sorted(set(collapsed))
    if not wanted:
        return graph
    known = groups_of(graph)
    unknown = [g for g in wanted if g not in known]
    if unknown:
        message = f"Unknown task group(s) in collapsed: {', '.join(unknown)}. " + (
            f"This DAG's groups: {', '.join(known)}." if known else "This DAG has no task groups."
        )
        raise InvalidInputError(message, errors={"collapsed": message})
    return layout(collapse(graph, wanted), LayoutOptions(break_cycles=True))


class DagQuery(msgspec.Struct, kw_only=True, frozen=True):
    """Filters, order and page of a DAG list request. ``tags`` match Airflow or custom tags
    (any of them); ``environment`` and ``favorites`` come from the product DB. Airflow sorts
    even when Airdeck filters, so the order holds across pages either way."""

    page: int = 1
    limit: int = 25
    search: str | None = None
    tags: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    paused: bool | None = None
    environment: str | None = None
    favorites: bool = False
    sort: DagSort = "dag_id"

    @property
    def needs_product_filter(self) -> bool:
        """Whether some filter can't be left to Airflow's own paging."""
        return bool(self.tags or self.environment or self.favorites)


class _LastRunEntry(msgspec.Struct):
    run: LastRun | None


class DagService:
    """What the API shows of DAGs, for one deployment."""

    def __init__(
        self, airflow: AirflowClient, cache: CacheStore, product: ProductData, access: DagAccess
    ) -> None:
        self.airflow = airflow
        self.cache = cache
        self.product = product
        self.access = access

    async def page(self, query: DagQuery) -> DagPage:
        """One page of the DAGs the caller may see, with product data and each one's last run.

        Filters Airflow can apply are left to it (and its paging) when they are all there is;
        product filters or a caller with scoped grants only mean reading every matching DAG
        from Airflow and filtering and paging here.
        """
        user = self.access.principal.subject
        offset = (query.page - 1) * query.limit
        if not query.needs_product_filter and self.access.global_grant("dags:read"):
            dags, total = await self.airflow.list_dags(
                offset=offset,
                limit=query.limit,
                search=query.search,
                owners=query.owners,
                paused=query.paused,
                sort=query.sort,
            )
            dags = await self.product.annotate(dags, user)
        else:
            every = await self.product.annotate(await self._every_dag(query), user)
            matching = [d for d in every if self._matches(d, query)]
            total = len(matching)
            dags = matching[offset : offset + query.limit]
        return DagPage(
            dags=await self.with_last_runs(dags), total=total, page=query.page, limit=query.limit
        )

    async def _every_dag(self, query: DagQuery) -> list[Dag]:
        first, total = await self.airflow.list_dags(
            limit=AIRFLOW_PAGE_LIMIT,
            search=query.search,
            owners=query.owners,
            paused=query.paused,
            sort=query.sort,
        )
        rest = await asyncio.gather(
            *(
                self.airflow.list_dags(
                    offset=offset,
                    limit=AIRFLOW_PAGE_LIMIT,
                    search=query.search,
                    owners=query.owners,
                    paused=query.paused,
                    sort=query.sort,
                )
                for offset in range(AIRFLOW_PAGE_LIMIT, total, AIRFLOW_PAGE_LIMIT)
            )
        )
        return first + [d for page, _ in rest for d in page]

    def _matches(self, dag: Dag, query: DagQuery) -> bool:
        if query.tags and not set(query.tags) & (set(dag.tags) | set(dag.custom_tags)):
            return False
        if query.environment and dag.environment != query.environment:
            return False
        if query.favorites and not dag.is_favorite:
            return False
        return decide(self.access.principal, "dags:read", scope_of(dag)).allowed

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
        """A DAG's detail with product data and its last run (403 if the caller may not read it)."""
        detail, last_run = await asyncio.gather(
            self.airflow.get_dag(dag_id), self.airflow.latest_run(dag_id)
        )
        (merged,) = await self.product.annotate([detail], self.access.principal.subject)
        self.access.check("dags:read", merged)
        assert isinstance(merged, DagDetail)
        return msgspec.structs.replace(merged, last_run=last_run)

    async def structure(self, dag_id: str, collapsed: Iterable[str] = ()) -> Graph:
        """The DAG's graph, laid out, with the ``collapsed`` task groups as one node each
        (``InvalidInputError`` for an id that is no group of it). The full graph is cached per
        DAG version so a deploy is seen at once."""
        dag = await self.airflow.get_dag(dag_id)
        version = dag.latest_dag_version.version_number if dag.latest_dag_version else None
        policy = caching.structure(self.airflow.name, dag_id, version)

        async def load() -> Graph:
            return layout(build_graph(await self.airflow.list_tasks(dag_id)))

        graph = await read_through(self.cache, policy.key, policy.ttl, Graph, load)
        return collapsed_view(graph, collapsed)
