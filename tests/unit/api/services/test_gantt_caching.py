"""A run's Gantt reads what the run page reads, from the same cache entries; earlier tries
once per retried instance and never again; a live run's bars end at the service's clock; an
``expand`` that names no mapped task is refused with the mapped tasks named."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from airdeck_api.services.cached import SharedCache
from airdeck_api.services.gantt import GanttService
from airdeck_api.services.runs import RunService
from airdeck_domain import caching
from airdeck_domain.errors import InvalidInputError, NotFoundError
from airdeck_domain.models import TaskInstance
from tests.fakes.airflow import FakeAirflow
from tests.support.service_requests import ServiceRequests

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def retried_run(airflow: FakeAirflow, state: str) -> None:
    """A run whose ``flaky`` failed once and runs (or ran) again, and a mapped ``fan`` whose
    instance 1 was retried too."""
    airflow.add_dag("etl")
    airflow.add_run(
        "etl",
        "r",
        state=state,
        start_date=T0,
        end_date=None if state == "running" else at(60),
    )
    airflow.instances[("etl", "r")] = [
        TaskInstance(
            task_id="flaky",
            state=state,
            try_number=2,
            queued_at=at(12),
            start_date=at(14),
            end_date=None if state == "running" else at(30),
        ),
        *(
            TaskInstance(
                task_id="fan",
                map_index=i,
                state="success",
                try_number=2 if i == 1 else 1,
                start_date=at(1 + i),
                end_date=at(5 + i),
            )
            for i in range(3)
        ),
    ]
    airflow.tries[("etl", "r", "flaky", -1)] = [
        TaskInstance(
            task_id="flaky",
            state="failed",
            try_number=1,
            queued_at=at(1),
            start_date=at(2),
            end_date=at(10),
        )
    ]
    airflow.tries[("etl", "r", "fan", 1)] = [
        TaskInstance(task_id="fan", map_index=1, state="failed", try_number=1, start_date=T0)
    ]


NOW = at(40)


def gantt_of(requests_to: ServiceRequests, now: datetime = NOW) -> GanttService:
    return GanttService(requests_to.as_user("vera", "viewer"), clock=lambda: now)


async def test_a_finished_run_costs_its_reads_once_and_then_nothing(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    retried_run(airflow, "success")

    first = await gantt_of(requests_to).gantt("etl", "r")
    again = await gantt_of(requests_to, now=at(4000)).gantt("etl", "r")

    assert first == again, "a finished run's Gantt does not depend on the clock"
    assert first.as_of is None and first.span == 60.0
    assert airflow.calls == {"get_run": 1, "task_instances": 1, "task_instance_tries": 1}
    fan, flaky = first.rows
    assert [(b.try_number, b.state, b.started, b.ended) for b in flaky.bars] == [
        (1, "failed", 2.0, 10.0),
        (2, "success", 14.0, 30.0),
    ]
    # Collapsed, a mapped task needs none of its instances' earlier tries.
    assert (fan.is_mapped, fan.map_count, fan.instances) == (True, 3, None)


async def test_expanding_reads_the_earlier_tries_of_its_retried_instances_once(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    retried_run(airflow, "success")
    await gantt_of(requests_to).gantt("etl", "r")

    expanded = await gantt_of(requests_to).gantt("etl", "r", ["fan"])
    await gantt_of(requests_to).gantt("etl", "r", ["fan"])

    assert airflow.calls["task_instance_tries"] == 2
    fan = next(row for row in expanded.rows if row.task_id == "fan")
    assert fan.instances is not None
    assert [[b.try_number for b in child.bars] for child in fan.instances] == [[1], [1, 2], [1]]


async def test_a_running_run_grows_with_the_clock_and_shares_the_run_pages_reads(
    airflow: FakeAirflow, requests_to: ServiceRequests, cache: SharedCache
) -> None:
    retried_run(airflow, "running")
    await RunService(requests_to.as_user("vera", "viewer")).summaries("etl", "r")

    early = await gantt_of(requests_to, now=at(40)).gantt("etl", "r")
    late = await gantt_of(requests_to, now=at(45)).gantt("etl", "r")

    assert airflow.calls["task_instances"] == 1, "the run page's instances served the Gantt"
    flaky = [next(r for r in g.rows if r.task_id == "flaky") for g in (early, late)]
    assert [row.bars[-1].ended for row in flaky] == [40.0, 45.0]
    assert all(row.bars[-1].live for row in flaky)
    assert (early.as_of, late.as_of) == (at(40), at(45))
    # A live run's instances are read again once a poll interval has passed; the earlier
    # tries, which never change, are not.
    cache.clock = lambda: time.time() + caching.LIVE_TTL + 0.1
    await gantt_of(requests_to, now=at(50)).gantt("etl", "r")
    assert airflow.calls["task_instances"] == 2
    assert airflow.calls["task_instance_tries"] == 1


async def test_an_expand_of_no_mapped_task_is_refused_naming_them(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    retried_run(airflow, "success")
    with pytest.raises(InvalidInputError) as refused:
        await gantt_of(requests_to).gantt("etl", "r", ["flaky", "nope"])
    assert "flaky, nope" in str(refused.value) and "Its mapped tasks: fan." in str(refused.value)
    assert set(refused.value.errors) == {"expand"}


async def test_missing_runs_and_an_airflow_without_tries(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    retried_run(airflow, "success")
    with pytest.raises(NotFoundError):
        await gantt_of(requests_to).gantt("etl", "nope")
    airflow.refuse["task_instance_tries"] = NotFoundError("no such route", deployment="default")
    (_, flaky) = (await gantt_of(requests_to).gantt("etl", "r")).rows
    assert [b.try_number for b in flaky.bars] == [2]
