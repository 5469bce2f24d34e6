"""Classifying a deployment's health from what it reports of its components."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from airdeck_domain.models import ComponentHealth, ComponentReport, Health, HealthStatus

STALE_AFTER_SECONDS = 30.0
"""A heartbeat older than this makes a component degraded."""

COMPONENTS = ("scheduler", "db", "dag_processor", "triggerer")
HEARTBEATING = frozenset({"scheduler", "dag_processor", "triggerer"})
_RANK: dict[HealthStatus, int] = {"healthy": 0, "unknown": 1, "degraded": 2, "unhealthy": 3}


def classify_component(name: str, report: ComponentReport | None, now: datetime) -> ComponentHealth:
    """One component's health.

    - unhealthy: the component says so, or a heartbeating component reports a status but
      no heartbeat;
    - degraded: its heartbeat is older than ``STALE_AFTER_SECONDS``;
    - unknown: nothing reported (Airflow reports a null status for a triggerer that never ran);
    - healthy otherwise.
    """
    if report is None or (report.status is None and report.heartbeat is None):
        return ComponentHealth(status="unknown", message="not reported")
    age = (now - report.heartbeat).total_seconds() if report.heartbeat else None
    if report.status == "unhealthy":
        return ComponentHealth(
            status="unhealthy", heartbeat=report.heartbeat, age_seconds=age, message="unhealthy"
        )
    if name in HEARTBEATING and report.heartbeat is None:
        return ComponentHealth(status="unhealthy", message="no heartbeat")
    if age is not None and age > STALE_AFTER_SECONDS:
        return ComponentHealth(
            status="degraded",
            heartbeat=report.heartbeat,
            age_seconds=age,
            message=f"last heartbeat {age:.0f} s ago",
        )
    return ComponentHealth(status="healthy", heartbeat=report.heartbeat, age_seconds=age)


def classify(deployment: str, reports: Mapping[str, ComponentReport], now: datetime) -> Health:
    """The deployment's health: each component classified; overall the worst of scheduler, db
    and dag_processor (a missing triggerer alone does not make a deployment unhealthy)."""
    parts = {name: classify_component(name, reports.get(name), now) for name in COMPONENTS}
    core = [parts["scheduler"].status, parts["db"].status, parts["dag_processor"].status]
    overall = max(core, key=_RANK.__getitem__)
    if parts["triggerer"].status in ("degraded", "unhealthy") and overall == "healthy":
        overall = "degraded"
    return Health(
        deployment=deployment,
        reachable=True,
        status=overall,
        checked_at=now,
        scheduler=parts["scheduler"],
        db=parts["db"],
        dag_processor=parts["dag_processor"],
        triggerer=parts["triggerer"],
    )


def unreachable(deployment: str, message: str, now: datetime) -> Health:
    """The health of a deployment that could not be asked at all."""
    part = ComponentHealth(status="unknown", message="deployment unreachable")
    return Health(
        deployment=deployment,
        reachable=False,
        status="unhealthy",
        scheduler=part,
        db=part,
        dag_processor=part,
        triggerer=part,
        message=message,
        checked_at=now,
    )
