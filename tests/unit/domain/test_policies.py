"""Health rules, schedule text, caching and polling policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from airdeck_domain import caching, health, polling
from airdeck_domain.models import ComponentReport
from airdeck_domain.schedule import describe, format_next_run

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def reports(scheduler_age: float | None, status: str = "healthy") -> dict[str, ComponentReport]:
    beat = NOW - timedelta(seconds=scheduler_age) if scheduler_age is not None else None
    fresh = NOW - timedelta(seconds=5)
    return {
        "scheduler": ComponentReport(status=status, heartbeat=beat),
        "db": ComponentReport(status="healthy"),
        "dag_processor": ComponentReport(status="healthy", heartbeat=fresh),
        "triggerer": ComponentReport(status=None, heartbeat=None),
    }


def test_health_classification() -> None:
    ok = health.classify("d", reports(5), NOW)
    assert ok.status == "healthy" and ok.scheduler.age_seconds == 5
    assert ok.triggerer.status == "unknown", "no triggerer running is not a failure"
    assert health.classify("d", reports(31), NOW).scheduler.status == "degraded"
    assert health.classify("d", reports(31), NOW).status == "degraded"
    assert health.classify("d", reports(None), NOW).status == "unhealthy"
    assert health.classify("d", reports(5, status="unhealthy"), NOW).status == "unhealthy"
    down = health.unreachable("d", "Airflow deployment 'd' is unreachable", NOW)
    assert not down.reachable and down.status == "unhealthy"


@pytest.mark.parametrize(
    ("schedule", "text"),
    [
        ("0 0 * * *", "At 00:00"),
        ("@daily", "At 00:00"),
        ("@hourly", "Every hour"),
        (None, "Manual"),
        ("@once", "Once"),
        ("*/15 * * * *", "Every 15 minutes"),
        ("Dataset: orders", "Dataset: orders"),
    ],
)
def test_schedule_text(schedule: str | None, text: str) -> None:
    assert describe(schedule) == text


def test_next_run_text() -> None:
    assert format_next_run(NOW + timedelta(hours=3, minutes=5), NOW) == "in 3 h 5 min"
    assert format_next_run(NOW - timedelta(minutes=2), NOW) == "overdue by 2 min"
    assert format_next_run(None, NOW) == "—"


def test_cache_policy() -> None:
    assert caching.structure("d", "etl", 3) == caching.CacheRule(key="d:structure:etl:v3", ttl=300)
    assert caching.structure("d", "etl", None).key is None
    assert caching.dag_list().ttl == 30 and caching.health("d").ttl == 30
    ended = NOW
    assert caching.task_instances("d", "etl", "r", "running", None).key is None
    finished = caching.task_instances("d", "etl", "r", "success", ended)
    assert finished.key is not None and finished.ttl is None
    rerun = caching.task_instances("d", "etl", "r", "success", ended + timedelta(minutes=1))
    assert rerun.key != finished.key, "a cleared and re-finished run is a new entry"


def test_polling_policy() -> None:
    assert polling.next_interval("dag_list") == 15
    assert polling.next_interval("health") == 30
    assert [polling.next_interval("run", "running", n) for n in range(4)] == [2, 5, 10, 10]
    assert polling.next_interval("run", "success") is None
    assert [polling.next_interval("logs", "running", n) for n in range(3)] == [2, 5, 5]
    assert polling.next_interval("logs", "failed") is None
