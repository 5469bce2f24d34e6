"""Whether this API process can serve: its product DB answers a trivial query, and every Airflow
deployment answers its health call (through the shared cache, so probes cost Airflow at most one
call per ``caching.HEALTH_TTL``). The checks run at once, each bounded by ``CHECK_TIMEOUT``, so
an answer comes within that time whatever is down. A reachable Airflow whose scheduler is
unhealthy still counts as ready: Airdeck can serve it (``/api/orchestrator/health`` says how it
is doing)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import msgspec
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from airdeck_api.services import health
from airdeck_api.services.audit import DB_FAILURES
from airdeck_api.services.cached import SharedCache
from airdeck_api.services.ports import AirflowPort

CHECK_TIMEOUT = 2.0
"""Seconds each check may take: well under the 5 s a probe allows for the whole answer."""


class Check(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One dependency: ``database`` or ``airflow`` (with its ``deployment``); ``detail`` says
    why it is not ready, without addresses or credentials."""

    name: str
    ready: bool
    deployment: str | None = None
    detail: str | None = None


class Readiness(msgspec.Struct, kw_only=True):
    """Ready when every check is."""

    ready: bool
    checks: list[Check]


async def _database(sessions: async_sessionmaker[AsyncSession]) -> Check:
    async def query() -> None:
        async with sessions() as session:
            await session.execute(text("SELECT 1"))

    try:
        await asyncio.wait_for(query(), CHECK_TIMEOUT)
    except TimeoutError:
        return Check(name="database", ready=False, detail=f"no answer in {CHECK_TIMEOUT:g} s")
    except DB_FAILURES as exc:
        # The exception's text may hold the DB's address: its kind is enough here.
        return Check(name="database", ready=False, detail=f"failed ({type(exc).__name__})")
    return Check(name="database", ready=True)


async def _airflow(airflow: AirflowPort, cache: SharedCache) -> Check:
    try:
        checked = await asyncio.wait_for(health.check(airflow, cache), CHECK_TIMEOUT)
    except TimeoutError:
        return Check(
            name="airflow",
            deployment=airflow.name,
            ready=False,
            detail=f"no answer in {CHECK_TIMEOUT:g} s",
        )
    return Check(
        name="airflow",
        deployment=airflow.name,
        ready=checked.reachable,
        detail=None if checked.reachable else checked.message,
    )


async def readiness(
    sessions: async_sessionmaker[AsyncSession],
    deployments: Iterable[AirflowPort],
    cache: SharedCache,
) -> Readiness:
    """Check the product DB and every deployment at once."""
    checks = await asyncio.gather(
        _database(sessions), *(_airflow(airflow, cache) for airflow in deployments)
    )
    return Readiness(ready=all(c.ready for c in checks), checks=list(checks))
