"""Deployment health: Airflow's own report classified by the domain, or 'unreachable'."""

from __future__ import annotations

from datetime import UTC, datetime

from airdeck_adapters.airflow import AirflowClient
from airdeck_domain import health
from airdeck_domain.errors import DomainError
from airdeck_domain.models import Health


async def check(airflow: AirflowClient) -> Health:
    """The deployment's health; never raises: an unreachable Airflow is a health state."""
    now = datetime.now(UTC)
    try:
        reports = await airflow.health()
    except DomainError as exc:
        return health.unreachable(airflow.name, exc.message, now)
    return health.classify(airflow.name, reports, now)
