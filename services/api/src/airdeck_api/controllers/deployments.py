"""``/deployments``: every Airflow deployment the caller may see, and how each is doing."""

from __future__ import annotations

from litestar import Controller, get

from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.schemas.deployments import DeploymentList
from airdeck_api.services.deployments import DeploymentService


class DeploymentController(Controller):
    """The deployments Airdeck talks to."""

    path = "/deployments"
    tags = ["Deployments"]

    @get(
        "/",
        operation_id="listDeployments",
        # It reads each deployment's health, so it counts as health checks do.
        opt={"permission": "dags:read", "rate_limit": "health"},
        responses=PROBLEM_RESPONSES,
    )
    async def list_deployments(self, deployments: Injected[DeploymentService]) -> DeploymentList:
        """Each deployment you may see, in configured order: id, name, environment label,
        badge colour, API version, whether it is the default, the Airflow version it runs, its
        health (as ``/health`` gives it; a deployment that is down is reported down here, never
        as an error) and how many DAGs you may see in it."""
        return await deployments.summaries()
