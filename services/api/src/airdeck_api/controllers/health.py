"""``/health``: how the Airflow deployment is doing (answers even when it is down)."""

from __future__ import annotations

from litestar import Controller, get

from airdeck_adapters.airflow import AirflowClient
from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.services import health
from airdeck_api.services.cached import SharedCache
from airdeck_domain.models import Health


class HealthController(Controller):
    """Deployment health."""

    path = "/health"
    tags = ["Health"]

    @get(
        "/",
        operation_id="getHealth",
        opt={"permission": "dags:read", "rate_limit": "health"},
        responses=PROBLEM_RESPONSES,
    )
    async def get_health(
        self, airflow: Injected[AirflowClient], cache: Injected[SharedCache]
    ) -> Health:
        """Scheduler, DB, DAG processor and triggerer: status, heartbeat and its age."""
        return await health.check(airflow, cache)
