"""What the services count beside the cache (``test_shared_cache``): audit-write failures by
stage, and each deployment's health as gauges."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from prometheus_client import REGISTRY
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from airdeck_adapters.cache import MemoryCache
from airdeck_adapters.db.services import AuditLogService
from airdeck_api.services import health
from airdeck_api.services.audit import Actor, AuditTrail
from airdeck_api.services.cached import SharedCache
from airdeck_domain.errors import UnavailableError
from airdeck_domain.models import ComponentReport
from tests.fakes.airflow import FakeAirflow
from tests.unit.api.metric_samples import Delta

ACTOR = Actor(user_id="olga", ip_address="192.0.2.7")


async def test_a_failed_audit_insert_is_counted() -> None:
    engine = create_async_engine("sqlite+aiosqlite:////nonexistent-folder/airdeck.db")
    trail = AuditTrail(async_sessionmaker(engine))
    failures = Delta("airdeck_audit_write_failures_total", stage="insert")
    with pytest.raises(UnavailableError):
        await trail.record(ACTOR, "favorite", "default", "etl")
    assert failures.moved == 1
    await engine.dispose()


async def test_a_failed_audit_completion_is_counted(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise OperationalError("UPDATE audit_log", {}, Exception("disk full"))

    monkeypatch.setattr(AuditLogService, "complete", broken)
    failures = Delta("airdeck_audit_write_failures_total", stage="complete")
    async with AuditTrail(sessions).action(ACTOR, "pause_dag", "default", "etl"):
        pass
    assert failures.moved == 1


async def test_each_health_check_sets_the_deployments_gauges() -> None:
    now = datetime.now(UTC)
    airflow = FakeAirflow(
        name="gauged",
        components={
            "db": ComponentReport(status="healthy"),
            "scheduler": ComponentReport(status="healthy", heartbeat=now),
            "dag_processor": ComponentReport(status="healthy", heartbeat=now),
            "triggerer": ComponentReport(status="unhealthy", heartbeat=now),
        },
    )
    checked = await health.check(airflow, SharedCache(MemoryCache(), soft_deadline=1))
    assert checked.status == "degraded"

    def gauge(name: str, **labels: str) -> float | None:
        return REGISTRY.get_sample_value(name, {"deployment": "gauged", **labels})

    assert gauge("airdeck_airflow_up") == 1
    assert [gauge("airdeck_airflow_health_status", status=s) for s in ("healthy", "degraded")] == [
        0,
        1,
    ]
    assert gauge("airdeck_airflow_component_status", component="triggerer", status="unhealthy")
    assert not gauge("airdeck_airflow_component_status", component="triggerer", status="healthy")
    assert gauge("airdeck_airflow_component_status", component="db", status="healthy") == 1
    assert (gauge("airdeck_airflow_health_checked_timestamp_seconds") or 0) >= now.timestamp() - 1

    airflow.down()
    unreachable = await health.check(airflow, SharedCache(MemoryCache(), soft_deadline=1))
    assert unreachable.reachable is False
    assert gauge("airdeck_airflow_up") == 0
    assert gauge("airdeck_airflow_health_status", status="unhealthy") == 1
    assert gauge("airdeck_airflow_health_status", status="degraded") == 0
