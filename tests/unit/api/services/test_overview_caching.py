"""A DAG's overview reads Airflow in two batched calls cold, none warm, and afterwards only
for the runs whose instances may still change; it shares a run's instances with its run page."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from airdeck_api.services.cached import SharedCache
from airdeck_api.services.overview import OverviewService
from airdeck_api.services.runs import RunService
from airdeck_domain import caching
from airdeck_domain.errors import NotFoundError, UnavailableError
from airdeck_domain.models import TaskInstance
from tests.fakes.airflow import FakeAirflow
from tests.support.service_requests import ServiceRequests

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def history(airflow: FakeAirflow, states: list[str]) -> None:
    airflow.add_dag("etl")
    for n, state in enumerate(states):
        start = T0 + timedelta(hours=n)
        run_id = f"r{n}"
        airflow.add_run(
            "etl",
            run_id,
            state=state,
            run_after=start,
            queued_at=start - timedelta(seconds=2),
            start_date=start,
            end_date=None if state == "running" else start + timedelta(seconds=60),
        )
        airflow.instances[("etl", run_id)] = [
            TaskInstance(task_id="load", state="success", duration=float(10 + n))
        ]


def overview_of(requests_to: ServiceRequests) -> OverviewService:
    return OverviewService(requests_to.as_user("vera", "viewer"))


async def test_cold_two_calls_warm_none(airflow: FakeAirflow, requests_to: ServiceRequests) -> None:
    history(airflow, ["success", "failed", "success"])

    first = await overview_of(requests_to).overview("etl", runs=25)
    again = await overview_of(requests_to).overview("etl", runs=25)

    assert first == again
    assert [b.run_id for b in first.runs] == ["r0", "r1", "r2"]
    assert first.success_rate == 2 / 3 and first.duration.median == 60.0
    assert airflow.calls == {"list_runs": 1, "task_instances_of_runs": 1}


async def test_later_only_live_runs_are_read_again(
    airflow: FakeAirflow, requests_to: ServiceRequests, cache: SharedCache
) -> None:
    history(airflow, ["success", "success", "running"])
    await overview_of(requests_to).overview("etl")
    cache.clock = lambda: time.time() + caching.RUNS_PAGE_TTL + 0.1
    asked: list[list[str]] = []
    fetch = airflow.task_instances_of_runs

    async def recorded(dag_id: str, run_ids: list[str]) -> dict[str, list[TaskInstance]]:
        asked.append(list(run_ids))
        return await fetch(dag_id, run_ids)

    airflow.task_instances_of_runs = recorded  # type: ignore[method-assign]

    await overview_of(requests_to).overview("etl")

    assert asked == [["r2"]], "finished runs' instances stay cached"


async def test_the_run_page_and_the_overview_share_a_finished_runs_instances(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    history(airflow, ["success"])
    await overview_of(requests_to).overview("etl")

    summaries = await RunService(requests_to.as_user("vera", "viewer")).summaries("etl", "r0")

    assert [s.task_id for s in summaries] == ["load"]
    assert "task_instances" not in airflow.calls


async def test_missing_dag_and_airflow_down(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    airflow.add_dag("etl")
    with pytest.raises(NotFoundError):
        await overview_of(requests_to).overview("nope")
    empty = await overview_of(requests_to).overview("etl")
    assert empty.runs == [] and empty.success_rate is None
    airflow.down()
    with pytest.raises(UnavailableError):
        await overview_of(requests_to).overview("etl", runs=5)
