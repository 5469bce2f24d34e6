"""A DAG's grid reads Airflow in batched calls cold (never one per run or per task), none
warm, and afterwards only for the runs whose instances may still change; it shares a run's
instances with the overview and the run page."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from airdeck_api.services.cached import SharedCache
from airdeck_api.services.grid import GridService
from airdeck_api.services.overview import OverviewService
from airdeck_domain import caching
from airdeck_domain.errors import NotFoundError, UnavailableError
from airdeck_domain.models import DagVersion, Task, TaskInstance
from tests.fakes.airflow import FakeAirflow
from tests.support.service_requests import ServiceRequests

T0 = datetime(2026, 3, 1, tzinfo=UTC)
TASKS = 30


def history(airflow: FakeAirflow, states: list[str]) -> None:
    """A DAG (at version 1, so its tasks are cached) of ``TASKS`` tasks in a group and a
    mapped ``fan``, with one run per state."""
    airflow.add_dag("etl", latest_dag_version=DagVersion(version_number=1))
    airflow.tasks["etl"] = [
        *(Task(task_id=f"stage.t{n}", label=f"stage.t{n}") for n in range(TASKS)),
        Task(task_id="fan", label="fan", is_mapped=True),
    ]
    for n, state in enumerate(states):
        start = T0 + timedelta(hours=n)
        run_id = f"r{n}"
        airflow.add_run(
            "etl",
            run_id,
            state=state,
            run_after=start,
            start_date=start,
            end_date=None if state == "running" else start + timedelta(seconds=60),
        )
        airflow.instances[("etl", run_id)] = [
            *(TaskInstance(task_id=f"stage.t{t}", state="success") for t in range(TASKS)),
            TaskInstance(task_id="fan", map_index=0, state=state),
            TaskInstance(task_id="fan", map_index=1, state="success"),
        ]


def grid_of(requests_to: ServiceRequests) -> GridService:
    return GridService(requests_to.as_user("vera", "viewer"))


async def test_cold_batched_warm_none(airflow: FakeAirflow, requests_to: ServiceRequests) -> None:
    history(airflow, ["success", "failed", "success"])

    first = await grid_of(requests_to).grid("etl", runs=25)
    again = await grid_of(requests_to).grid("etl", runs=25)

    assert first == again
    assert [r.run_id for r in first.runs] == ["r0", "r1", "r2"]
    assert [r.id for r in first.rows][:2] == ["stage", "stage.t0"]
    fan = next(r for r in first.rows if r.id == "fan")
    assert [c.state if c else None for c in fan.cells] == ["success", "failed", "success"]
    assert airflow.calls == {
        "get_dag": 1,
        "list_tasks": 1,
        "list_runs": 1,
        "task_instances_of_runs": 1,
    }


async def test_later_only_live_runs_are_read_again(
    airflow: FakeAirflow, requests_to: ServiceRequests, cache: SharedCache
) -> None:
    history(airflow, ["success", "success", "running"])
    await grid_of(requests_to).grid("etl", runs=25)
    cache.clock = lambda: time.time() + caching.RUNS_PAGE_TTL + 0.1
    asked: list[list[str]] = []
    fetch = airflow.task_instances_of_runs

    async def recorded(dag_id: str, run_ids: list[str]) -> dict[str, list[TaskInstance]]:
        asked.append(list(run_ids))
        return await fetch(dag_id, run_ids)

    airflow.task_instances_of_runs = recorded  # type: ignore[method-assign]

    await grid_of(requests_to).grid("etl", runs=25)

    assert asked == [["r2"]], "finished runs' instances stay cached"


async def test_the_overview_and_the_grid_share_the_runs_instances(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    history(airflow, ["success", "failed"])
    await OverviewService(requests_to.as_user("vera", "viewer")).overview("etl", runs=25)

    found = await grid_of(requests_to).grid("etl", runs=25)

    assert len(found.runs) == 2
    assert airflow.calls["task_instances_of_runs"] == 1


async def test_missing_dag_and_airflow_down(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    airflow.add_dag("etl")
    with pytest.raises(NotFoundError):
        await grid_of(requests_to).grid("nope", runs=25)
    empty = await grid_of(requests_to).grid("etl", runs=25)
    assert empty.runs == [] and empty.rows == []
    airflow.down()
    with pytest.raises(UnavailableError):
        await grid_of(requests_to).grid("etl", runs=5)
