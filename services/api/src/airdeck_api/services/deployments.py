"""Use cases across deployments: how each deployment the caller may see is doing, and one DAG
list over all of them.

Airflow is asked concurrently, one deployment beside the other; the product DB (metadata,
favorites, so scoped grants) one deployment after the other, since a request has one DB session.
A deployment that cannot be asked never fails the whole answer: the overview reports it down,
the list names it in ``unavailable`` and still holds every other deployment's DAGs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

import msgspec

from airdeck_api.schemas.deployments import DeploymentList, DeploymentSummary
from airdeck_api.services import health
from airdeck_api.services.context import RequestContext
from airdeck_api.services.dags import DagQuery, DagService
from airdeck_api.services.fleet import Fleet
from airdeck_domain import caching
from airdeck_domain.errors import DomainError, UnauthorizedError, UnavailableError
from airdeck_domain.merging import ALL_DEPLOYMENTS, merged_order, needs_last_runs
from airdeck_domain.models import Dag, DagPage, Health, UnavailableDeployment

T = TypeVar("T")
DOWN = (UnavailableError, UnauthorizedError)
"""What makes a deployment unusable for now: unreachable, failing, or refusing Airdeck."""
COUNTED = DagQuery()
"""The query a deployment's DAG count is read with: the first page of the default list, the one
a dashboard has just read, so the count usually costs Airflow nothing."""


class _Version(msgspec.Struct):
    version: str


async def _attempt(call: Awaitable[T]) -> T | DomainError:
    """What ``call`` returns, or the ``DOWN`` error it raised."""
    try:
        return await call
    except DOWN as exc:
        return exc


class DeploymentService:
    """What the caller sees across the deployments of ``fleet``."""

    def __init__(self, fleet: Fleet) -> None:
        self.fleet = fleet

    async def summaries(self) -> DeploymentList:
        """Each deployment the caller may see with its Airflow version, health (as ``/health``
        gives it: a deployment that is down is reported so) and the number of DAGs the caller
        may see in it. Every deployment is asked at once; the counts that need the product DB
        are then made one after the other."""
        visible = self.fleet.visible
        contexts = [self.fleet.context(p.id) for p in visible]
        checked = await asyncio.gather(*(self._checked(context) for context in contexts))
        summaries = []
        for profile, context, (state, version, failed) in zip(
            visible, contexts, checked, strict=True
        ):
            count: int | DomainError | None = failed
            if failed is None and state.reachable:
                count = await _attempt(DagService(context).count(COUNTED))
            summaries.append(
                DeploymentSummary(
                    **msgspec.structs.asdict(profile),
                    airflow_version=version,
                    health=state,
                    dag_count=count if isinstance(count, int) else None,
                    problem=count.message if isinstance(count, DomainError) else None,
                )
            )
        return DeploymentList(deployments=summaries)

    async def _checked(
        self, context: RequestContext
    ) -> tuple[Health, str | None, DomainError | None]:
        """A deployment's health and version and, when it is up, the DAG list its count reads,
        read ahead (an error when that failed)."""
        state, version = await asyncio.gather(
            health.check(context.airflow, context.cache), self._version(context)
        )
        if not state.reachable:
            return state, version, None
        warmed = await _attempt(DagService(context).warm(COUNTED))
        return state, version, warmed if isinstance(warmed, DomainError) else None

    async def _version(self, context: RequestContext) -> str | None:
        """The deployment's Airflow version, cached (``caching.airflow_version``); None while
        it has never answered."""
        airflow = context.airflow

        async def load() -> _Version:
            return _Version(version=await airflow.version())

        try:
            read = await context.cache.read(caching.airflow_version(airflow.name), _Version, load)
        except DomainError:
            return None
        return read.version

    async def dag_page(self, deployment: str | None, query: DagQuery) -> DagPage:
        """A page of the DAG list of ``deployment`` (the default one when None), or, for
        ``*``, of every deployment the caller may see (``merged_page``)."""
        if deployment == ALL_DEPLOYMENTS:
            return await self.merged_page(query)
        return await DagService(self.fleet.context(deployment)).page(query)

    async def merged_page(self, query: DagQuery) -> DagPage:
        """One page of the DAGs the caller may see in every deployment they may see, each row
        naming its deployment, sorted across deployments (``merging.merged_order``) and paged
        after. Every DAG is read from each deployment (cached as a scoped caller's list is);
        with a last-run order, every DAG's last run too (batched and cached), else only the
        page's. A deployment that cannot be read is listed in ``unavailable``."""
        unavailable: dict[str, str] = {}
        services = {p.id: DagService(self.fleet.context(p.id)) for p in self.fleet.visible}
        airflow_query = msgspec.structs.replace(query, sort="dag_id")
        # Airflow's part first, every deployment at once, into the shared cache.
        read = await asyncio.gather(
            *(_attempt(s.catalog.every_dag(airflow_query)) for s in services.values())
        )
        for name, outcome in zip(services, read, strict=True):
            if isinstance(outcome, DomainError):
                unavailable[name] = outcome.message
        matching: dict[str, list[Dag]] = {}
        for name, dags in services.items():
            if name not in unavailable:
                found = await _attempt(dags.matching(airflow_query))
                if isinstance(found, DomainError):
                    unavailable[name] = found.message
                else:
                    matching[name] = found
        if needs_last_runs(query.sort):
            matching = await self._with_last_runs(services, matching, unavailable)
        ordered = merged_order([d for dags in matching.values() for d in dags], query.sort)
        offset = (query.page - 1) * query.limit
        page = ordered[offset : offset + query.limit]
        if not needs_last_runs(query.sort):
            page = _in_order(page, await self._with_last_runs(services, _by(page), unavailable))
        return DagPage(
            items=page,
            total=len(ordered),
            page=query.page,
            limit=query.limit,
            unavailable=[
                UnavailableDeployment(deployment=name, message=message)
                for name, message in unavailable.items()
            ],
        )

    async def _with_last_runs(
        self,
        services: dict[str, DagService],
        dags: dict[str, list[Dag]],
        unavailable: dict[str, str],
    ) -> dict[str, list[Dag]]:
        """``dags`` (by deployment) with their last runs, every deployment asked at once; one
        that fails is noted in ``unavailable`` and its DAGs keep no last run."""
        names = list(dags)
        filled = await asyncio.gather(
            *(_attempt(services[name].with_last_runs(dags[name])) for name in names)
        )
        result = {}
        for name, outcome in zip(names, filled, strict=True):
            if isinstance(outcome, DomainError):
                unavailable.setdefault(name, outcome.message)
                result[name] = dags[name]
            else:
                result[name] = outcome
        return result


def _by(dags: list[Dag]) -> dict[str, list[Dag]]:
    """``dags`` grouped by deployment."""
    grouped: dict[str, list[Dag]] = {}
    for dag in dags:
        grouped.setdefault(dag.deployment, []).append(dag)
    return grouped


def _in_order(page: list[Dag], filled: dict[str, list[Dag]]) -> list[Dag]:
    """The DAGs of ``filled`` in the order of ``page``."""
    found = {(d.deployment, d.dag_id): d for dags in filled.values() for d in dags}
    return [found[(d.deployment, d.dag_id)] for d in page]
