"""DAG versions (Airflow 3): a DAG's version history, the code of each version, and the diff
between two. Airflow cannot restore a version (DAGs come from files or bundles), so Airdeck
states which bundle and bundle version produced each one instead."""

from __future__ import annotations

import asyncio

import msgspec

from airdeck_api.services.context import RequestContext
from airdeck_domain import caching
from airdeck_domain.errors import NotFoundError
from airdeck_domain.models import DagVersion
from airdeck_domain.versions import DagSource, DagVersions, VersionDiff, diff_sources

VERSIONS_PAGE = 100
"""Versions read per Airflow call (its largest page)."""


class _Versions(msgspec.Struct):
    items: list[DagVersion]


class VersionService:
    """Versions of one deployment's DAGs, for one caller; read through the shared cache."""

    def __init__(self, context: RequestContext) -> None:
        self.airflow = context.airflow
        self.cache = context.cache
        self.access = context.access

    async def history(self, dag_id: str) -> DagVersions:
        """Every version of a DAG the caller may read, oldest first."""
        await self.access.require("dags:read", dag_id)

        async def load() -> _Versions:
            first, total = await self.airflow.dag_versions(dag_id, limit=VERSIONS_PAGE)
            rest = await asyncio.gather(
                *(
                    self.airflow.dag_versions(dag_id, offset=offset, limit=VERSIONS_PAGE)
                    for offset in range(VERSIONS_PAGE, total, VERSIONS_PAGE)
                )
            )
            return _Versions(items=first + [v for page, _ in rest for v in page])

        found = await self.cache.read(
            caching.dag_versions(self.airflow.name, dag_id), _Versions, load
        )
        return DagVersions(dag_id=dag_id, versions=found.items, total=len(found.items))

    async def source(self, dag_id: str, version_number: int) -> DagSource:
        """The code of one version of a DAG the caller may read (404 for a version it never
        had)."""
        await self.access.require("dags:read", dag_id)
        return await self._source(dag_id, version_number)

    async def _source(self, dag_id: str, version_number: int) -> DagSource:
        async def load() -> DagSource:
            try:
                return await self.airflow.dag_source(dag_id, version_number)
            except NotFoundError:
                raise NotFoundError(
                    f"DAG '{dag_id}' has no version {version_number} in deployment "
                    f"'{self.airflow.name}'",
                    deployment=self.airflow.name,
                ) from None

        rule = caching.dag_source(self.airflow.name, dag_id, version_number)
        return await self.cache.read(rule, DagSource, load)

    async def diff(self, dag_id: str, from_version: int, to_version: int) -> VersionDiff:
        """The unified diff of the code from one version of a DAG to another (either order)."""
        await self.access.require("dags:read", dag_id)
        old, new = await asyncio.gather(
            self._source(dag_id, from_version), self._source(dag_id, to_version)
        )
        return diff_sources(old, new)
