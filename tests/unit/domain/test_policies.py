"""Health rules, schedule text, caching and polling policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from airdeck_domain import caching, health, polling
from airdeck_domain.models import ComponentReport
from airdeck_domain.schedule import describe

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


def test_cache_policy() -> None:
    assert caching.structure("d", "etl", 3) == caching.CacheRule(key="d:structure:etl:v3", ttl=300)
    assert caching.structure("d", "etl", None).key is None
    assert caching.last_run("d", "etl").ttl == 30 and caching.health("d").ttl == 30
    assert caching.dag_detail("d", "etl").ttl <= 5, "the DAG version is checked every few s"
    assert caching.dag_list("d", 1, (0, 25)).key != caching.dag_list("d", 2, (0, 25)).key
    assert caching.run_ttl("running") == caching.LIVE_TTL
    assert caching.run_ttl("success") == caching.run_ttl("failed") == caching.FINISHED_RUN_TTL
    rules = [
        caching.structure("d", "etl", 3),
        caching.tasks("d", "etl", 3),
        caching.dag_detail("d", "etl"),
        caching.dag_list("d", 0, ()),
        caching.last_run("d", "etl"),
        caching.health("d"),
        caching.run("d", "etl", "r"),
        caching.task_instances("d", "etl", "r", "success"),
        caching.runs_page("d", "etl", 0, (0, 20)),
        caching.mapped_page("d", "etl", "r", 0, ("t", 0, 50)),
    ]
    assert all(0 < rule.ttl < float("inf") for rule in rules), "every key has a TTL"
    assert (
        caching.runs_page("d", "etl", 0, (0, 20)).key
        != caching.runs_page("d", "etl", 1, (0, 20)).key
    ), "a trigger, clear or mark moves the generation on"
    assert caching.instances_ttl(["success", "skipped", "failed"]) == caching.FINISHED_RUN_TTL
    assert caching.instances_ttl(["success", "running"]) == caching.LIVE_TTL
    assert caching.instances_ttl([None]) == caching.LIVE_TTL
    assert caching.instances_ttl([]) == caching.LIVE_TTL, "nothing read yet: may still come"
    assert set(caching.run_keys("d", "etl", "r")) == {
        caching.run("d", "etl", "r").key,
        caching.task_instances("d", "etl", "r", "running").key,
        caching.last_run_key("d", "etl"),
    }


def test_polling_policy() -> None:
    assert polling.next_interval("dag_list") == 15
    assert polling.next_interval("dag") == 10
    assert polling.next_interval("health") == 30
    assert [polling.next_interval("run", "running", n) for n in range(4)] == [2, 5, 10, 10]
    assert polling.next_interval("run", "success") is None
    assert [polling.next_interval("logs", "running", n) for n in range(3)] == [3, 5, 5]
    assert polling.next_interval("logs", "failed") is None
