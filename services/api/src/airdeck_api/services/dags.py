"""DAG use cases: the list with last runs, the detail, and the laid-out structure."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence

import msgspec

from airdeck_api.services.cached import SharedCache
from airdeck_api.services.context import RequestContext
from airdeck_api.services.ports import AirflowPort
from airdeck_api.services.product import scope_of
from airdeck_domain import caching
from airdeck_domain.errors import InvalidInputError
from airdeck_domain.graph import build_graph
from airdeck_domain.groups import collapse, groups_of
from airdeck_domain.layout import LayoutOptions, layout
from airdeck_domain.models import Dag, DagDetail, DagPage, DagSort, Graph, LastRun, Task
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
    (any of them); ``environment``, ``team`` (the owner team) and ``favorites`` come from the
    product DB. Airflow sorts
    even when Airdeck filters, so the order holds across pages either way."""

    page: int = 1
    limit: int = 25
    search: str | None = None
    tags: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    paused: bool | None = None
    environment: str | None = None
    team: str | None = None
    favorites: bool = False
    sort: DagSort = "dag_id"

    @property
    def needs_product_filter(self) -> bool:
        """Whether some filter can't be left to Airflow's own paging."""
        return bool(self.tags or self.environment or self.team or self.favorites)


class _LastRunEntry(msgspec.Struct):
    run: LastRun | None


class _DagListPage(msgspec.Struct):
    dags: list[Dag]
    total: int


class DagCatalog:
    """Airflow's own data about one deployment's DAGs, read through the shared cache: the same
    for every caller, so nothing here knows who asks (callers check permissions after)."""

    def __init__(self, airflow: AirflowPort, cache: SharedCache) -> None:
        self.airflow = airflow
        self.cache = cache

    async def list_dags(self, query: DagQuery, *, offset: int, limit: int) -> tuple[list[Dag], int]:
        """One page of Airflow's DAG list for the query's Airflow filters."""
        name = self.airflow.name
        generation = await self.cache.generation(caching.dag_list_generation(name))
        rule = caching.dag_list(
            name,
            generation,
            (offset, limit, query.search, query.owners, query.paused, query.sort),
        )

        async def load() -> _DagListPage:
            dags, total = await self.airflow.list_dags(
                offset=offset,
                limit=limit,
                search=query.search,
                owners=query.owners,
                paused=query.paused,
                sort=query.sort,
            )
            return _DagListPage(dags=dags, total=total)

        page = await self.cache.read(rule, _DagListPage, load)
        return page.dags, page.total

    async def every_dag(self, query: DagQuery) -> list[Dag]:
        """Every DAG matching the query's Airflow filters, in its order (read by the adapter a
        full page at a time), cached like a page of the list."""
        name = self.airflow.name
        generation = await self.cache.generation(caching.dag_list_generation(name))
        rule = caching.dag_list(
            name, generation, ("every", query.search, query.owners, query.paused, query.sort)
        )

        async def load() -> _Dags:
            return _Dags(
                items=await self.airflow.every_dag(
                    search=query.search, owners=query.owners, paused=query.paused, sort=query.sort
                )
            )

        return (await self.cache.read(rule, _Dags, load)).items

    async def last_runs(self, dag_ids: Sequence[str]) -> dict[str, LastRun | None]:
        """The newest run of each DAG: cached ones from the shared cache, all the others in one
        batched Airflow call, never one call per DAG."""
        name = self.airflow.name
        rules = {dag_id: caching.last_run(name, dag_id) for dag_id in dag_ids}
        if not rules:
            return {}

        async def load(missing: Sequence[str]) -> dict[str, _LastRunEntry]:
            latest = await self.airflow.latest_runs(missing)
            return {dag_id: _LastRunEntry(run=latest.get(dag_id)) for dag_id in missing}

        entries = await self.cache.read_many(rules, _LastRunEntry, load)
        return {dag_id: entry.run for dag_id, entry in entries.items()}

    async def detail(self, dag_id: str) -> DagDetail:
        """Airflow's detail of a DAG (with its version), re-read at most every few seconds
        whatever the number of requests."""

        async def load() -> DagDetail:
            return await self.airflow.get_dag(dag_id)

        return await self.cache.read(caching.dag_detail(self.airflow.name, dag_id), DagDetail, load)

    async def timezones(self, dag_ids: Sequence[str]) -> dict[str, str]:
        """The time zone each DAG's schedule reads in (from its detail), kept for minutes
        (``caching.dag_timezone``); the details not kept are read at once."""
        name = self.airflow.name
        rules = {dag_id: caching.dag_timezone(name, dag_id) for dag_id in dag_ids}
        if not rules:
            return {}

        async def load(missing: Sequence[str]) -> dict[str, _Zone]:
            details = await asyncio.gather(*(self.detail(d) for d in missing))
            return {d.dag_id: _Zone(name=d.timezone or "UTC") for d in details}

        zones = await self.cache.read_many(rules, _Zone, load)
        return {dag_id: zone.name for dag_id, zone in zones.items()}

    async def version(self, dag_id: str) -> int | None:
        """The DAG's latest version number (None when Airflow does not version it)."""
        dag = await self.detail(dag_id)
        return dag.latest_dag_version.version_number if dag.latest_dag_version else None

    async def tasks(self, dag_id: str) -> list[Task]:
        """The DAG's task definitions at its latest version, cached by version."""
        version = await self.version(dag_id)

        async def load() -> _Tasks:
            return _Tasks(items=await self.airflow.list_tasks(dag_id))

        rule = caching.tasks(self.airflow.name, dag_id, version)
        return (await self.cache.read(rule, _Tasks, load)).items

    async def structure(self, dag_id: str) -> Graph:
        """The DAG's full graph, laid out, cached per DAG version: warm, it costs Airflow
        nothing, and a deploy is seen as soon as the version check (every few seconds) is."""
        version = await self.version(dag_id)

        async def load() -> Graph:
            return layout(build_graph(await self.tasks(dag_id)))

        return await self.cache.read(
            caching.structure(self.airflow.name, dag_id, version), Graph, load
        )

    async def forget_last_run(self, dag_id: str) -> None:
        """Drop the cached last run of a DAG and every page of its runs."""
        name = self.airflow.name
        await self.cache.forget(caching.last_run_key(name, dag_id))
        await self.cache.bump(caching.runs_generation(name, dag_id))

    async def forget_run(self, dag_id: str, run_id: str) -> None:
        """Drop a run, its task instances and mapped-instance pages, its DAG's last run and
        every page of its DAG's runs."""
        name = self.airflow.name
        await self.cache.forget(*caching.run_keys(name, dag_id, run_id))
        await self.cache.bump(caching.run_generation(name, dag_id, run_id))
        await self.cache.bump(caching.runs_generation(name, dag_id))

    async def forget_dag(self, dag_id: str) -> None:
        """Drop what a pause or unpause changes: the DAG's detail and every DAG list page."""
        name = self.airflow.name
        await self.cache.forget(caching.dag_detail(name, dag_id).key or "")
        await self.cache.bump(caching.dag_list_generation(name))


class DagService:
    """What the API shows of DAGs, for one deployment: Airflow's data from the shared
    ``DagCatalog``, with the caller's product data, favorites and permissions applied after."""

    def __init__(self, context: RequestContext) -> None:
        self.airflow = context.airflow
        self.catalog = DagCatalog(context.airflow, context.cache)
        self.product = context.product
        self.access = context.access

    async def page(self, query: DagQuery) -> DagPage:
        """One page of the DAGs the caller may see, with product data and each one's last run.

        Filters Airflow can apply are left to it (and its paging) when they are all there is;
        product filters or a caller with scoped grants only mean reading every matching DAG
        from Airflow and filtering and paging here. A cold page costs two Airflow calls (the
        list and its DAGs' last runs, batched); a warm one none.
        """
        dags, total = await self._select(query)
        return DagPage(
            items=await self.with_last_runs(dags), total=total, page=query.page, limit=query.limit
        )

    async def count(self, query: DagQuery) -> int:
        """How many DAGs the caller may see match ``query`` (no last run is read)."""
        if self._reads_every_dag(query):
            return len(await self.matching(query))
        _, total = await self.catalog.list_dags(
            query, offset=(query.page - 1) * query.limit, limit=query.limit
        )
        return total

    async def warm(self, query: DagQuery) -> None:
        """Read from Airflow into the shared cache what ``page`` and ``count`` read for
        ``query``. It touches no product DB, so several deployments can be read ahead at once
        within one request."""
        if self._reads_every_dag(query):
            await self.catalog.every_dag(query)
        else:
            await self.catalog.list_dags(
                query, offset=(query.page - 1) * query.limit, limit=query.limit
            )

    async def matching(self, query: DagQuery) -> list[Dag]:
        """Every DAG the caller may see that matches ``query``, with product data, in the
        query's order (no last run is read)."""
        user = self.access.principal.subject
        every = await self.product.annotate(await self.catalog.every_dag(query), user)
        return [d for d in every if self._matches(d, query)]

    def _reads_every_dag(self, query: DagQuery) -> bool:
        """Whether listing ``query`` reads every DAG (a product filter, or a caller whose
        grants are scoped) rather than leaving the paging to Airflow."""
        return query.needs_product_filter or not self.access.global_grant("dags:read")

    async def _select(self, query: DagQuery) -> tuple[list[Dag], int]:
        """The page's DAGs with product data, and the number of all matches."""
        offset = (query.page - 1) * query.limit
        if self._reads_every_dag(query):
            matching = await self.matching(query)
            return matching[offset : offset + query.limit], len(matching)
        dags, total = await self.catalog.list_dags(query, offset=offset, limit=query.limit)
        return await self.product.annotate(dags, self.access.principal.subject), total

    def _matches(self, dag: Dag, query: DagQuery) -> bool:
        if query.tags and not set(query.tags) & (set(dag.tags) | set(dag.custom_tags)):
            return False
        if query.team and dag.owner_team != query.team:
            return False
        if query.environment and dag.environment != query.environment:
            return False
        if query.favorites and not dag.is_favorite:
            return False
        return decide(self.access.principal, "dags:read", scope_of(dag)).allowed

    async def with_last_runs(self, dags: Sequence[Dag]) -> list[Dag]:
        """The DAGs with ``last_run`` filled (one batched Airflow call for those not cached)."""
        latest = await self.catalog.last_runs([d.dag_id for d in dags])
        return [msgspec.structs.replace(d, last_run=latest[d.dag_id]) for d in dags]

    async def forget_last_run(self, dag_id: str) -> None:
        """Drop the cached last run of a DAG and its runs pages (after a trigger, so the lists
        show the new run)."""
        await self.catalog.forget_last_run(dag_id)

    async def forget_run(self, dag_id: str, run_id: str) -> None:
        """Drop what a clear or a mark makes wrong: the run, its task instances, its DAG's last
        run and runs pages, so the very next read asks Airflow. Never raises (see
        ``SharedCache``)."""
        await self.catalog.forget_run(dag_id, run_id)

    async def forget_dag(self, dag_id: str) -> None:
        """Drop what a pause or unpause makes wrong: the DAG's detail and every list page."""
        await self.catalog.forget_dag(dag_id)

    async def detail(self, dag_id: str) -> DagDetail:
        """A DAG's detail with product data and its last run; the same 404 for a DAG out of the
        caller's scope as for a missing one."""
        # First, so a scoped caller gets the same 404 for a missing DAG as for a hidden one.
        await self.access.require("dags:read", dag_id)
        detail, latest = await asyncio.gather(
            self.catalog.detail(dag_id), self.catalog.last_runs([dag_id])
        )
        (merged,) = await self.product.annotate([detail], self.access.principal.subject)
        self.access.check("dags:read", merged)
        assert isinstance(merged, DagDetail)
        return msgspec.structs.replace(merged, last_run=latest[dag_id])

    async def structure(self, dag_id: str, collapsed: Iterable[str] = ()) -> Graph:
        """The DAG's graph, laid out, with the ``collapsed`` task groups as one node each
        (``InvalidInputError`` for an id that is no group of it); see ``DagCatalog.structure``."""
        await self.access.require("dags:read", dag_id)
        return collapsed_view(await self.catalog.structure(dag_id), collapsed)


class _Tasks(msgspec.Struct):
    items: list[Task]


class _Dags(msgspec.Struct):
    items: list[Dag]


class _Zone(msgspec.Struct):
    name: str
