"""What ``GET /deployments`` answers: each Airflow deployment the caller may see, and how it is."""

from __future__ import annotations

import msgspec

from airdeck_domain.models import Health


class DeploymentProfile(msgspec.Struct, kw_only=True, frozen=True):
    """How a deployment is known and shown: its ``id`` (``?deployment=<id>``), display name,
    environment label, badge colour (``#rrggbb``), API version (``v2``: Airflow 3, ``v1``:
    Airflow 2) and whether it is the one asked when a request names none."""

    id: str
    name: str
    api_version: str
    environment: str | None = None
    color: str | None = None
    default: bool = False


class DeploymentSummary(DeploymentProfile, kw_only=True, frozen=True):
    """A deployment and how it is doing: the Airflow version it runs (None until it has been
    read once), its health (a deployment that is down says so here), how many DAGs the caller
    may see in it (None when they could not be counted) and, when something could not be read,
    a ``problem`` sentence saying what."""

    airflow_version: str | None = None
    health: Health
    dag_count: int | None = None
    problem: str | None = None


class DeploymentList(msgspec.Struct, kw_only=True):
    """``GET /deployments``: the deployments the caller may see, in their configured order."""

    deployments: list[DeploymentSummary]
