"""Deployment health: Airflow's own report classified by the domain, or 'unreachable'."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec

from airdeck_api import metrics
from airdeck_api.services.cached import SharedCache
from airdeck_api.services.ports import AirflowPort
from airdeck_domain import caching, health
from airdeck_domain.errors import DomainError
from airdeck_domain.models import ComponentReport, Health


class _Reports(msgspec.Struct):
    components: dict[str, ComponentReport]


async def check(airflow: AirflowPort, cache: SharedCache) -> Health:
    """The deployment's health; never raises: an unreachable Airflow is a health state.

    Airflow's report is shared by every caller for ``caching.HEALTH_TTL`` seconds and classified
    at each call, so heartbeat ages stay current. An expired report is never served for an
    Airflow that does not answer: that is what health must say. Each check sets the
    deployment's health gauges.
    """

    async def load() -> _Reports:
        return _Reports(components=await airflow.health())

    try:
        reports = await cache.read(caching.health(airflow.name), _Reports, load, stale_ok=False)
    except DomainError as exc:
        checked = health.unreachable(airflow.name, exc.message, datetime.now(UTC))
    else:
        checked = health.classify(airflow.name, reports.components, datetime.now(UTC))
    metrics.deployment_health(checked)
    return checked
