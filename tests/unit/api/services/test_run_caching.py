"""Pages of a DAG's runs and of a mapped task's instances come from the shared cache: one
Airflow call however many people read them, and a trigger, clear or mark through Airdeck
drops what it makes wrong so the very next read shows the change."""

from __future__ import annotations

import time

from airdeck_api.schemas.actions import ClearBody, MarkBody, TriggerBody
from airdeck_api.services.actions import ActionService
from airdeck_api.services.cached import SharedCache
from airdeck_api.services.dags import DagService
from airdeck_api.services.runs import RunService
from airdeck_domain import caching
from airdeck_domain.models import TaskInstance
from tests.fakes.airflow import FakeAirflow
from tests.support.service_requests import ServiceRequests


def runs_of(requests_to: ServiceRequests) -> RunService:
    return RunService(requests_to.as_user("vera", "viewer"))


def actions_of(requests_to: ServiceRequests) -> ActionService:
    context = requests_to.as_user("ada", "admin")
    return ActionService(context, DagService(context))


def mapped_run(airflow: FakeAirflow, width: int = 5) -> None:
    airflow.add_dag("fanout")
    airflow.add_run("fanout", "r1", state="success")
    airflow.instances[("fanout", "r1")] = [
        TaskInstance(task_id="process", map_index=i, state="success") for i in range(width)
    ]


async def test_a_runs_page_is_read_once_by_every_reader(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    airflow.add_dag("etl")
    airflow.add_run("etl", "r1", state="success")

    pages = [await runs_of(requests_to).page("etl", page=1, limit=20, states=()) for _ in range(5)]

    assert airflow.calls["list_runs"] == 1
    assert all(p == pages[0] for p in pages) and [r.run_id for r in pages[0].items] == ["r1"]
    other = await runs_of(requests_to).page("etl", page=1, limit=20, states=("failed",))
    assert other.items == [] and airflow.calls["list_runs"] == 2


async def test_a_runs_page_is_reread_once_its_few_seconds_are_up(
    airflow: FakeAirflow, requests_to: ServiceRequests, cache: SharedCache
) -> None:
    airflow.add_dag("etl")
    await runs_of(requests_to).page("etl", page=1, limit=20, states=())
    airflow.add_run("etl", "scheduled__1", state="running")
    cache.clock = lambda: time.time() + caching.RUNS_PAGE_TTL + 0.1

    page = await runs_of(requests_to).page("etl", page=1, limit=20, states=())

    assert [r.run_id for r in page.items] == ["scheduled__1"]
    assert airflow.calls["list_runs"] == 2


async def test_a_trigger_through_airdeck_shows_on_the_very_next_runs_page(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    airflow.add_dag("etl")
    before = await runs_of(requests_to).page("etl", page=1, limit=20, states=())
    assert before.total == 0

    run = await actions_of(requests_to).trigger("etl", TriggerBody(conf={}))

    after = await runs_of(requests_to).page("etl", page=1, limit=20, states=())
    assert [r.run_id for r in after.items] == [run.run_id] and after.total == 1


async def test_mapped_pages_of_a_finished_run_are_cached_until_a_mark(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    mapped_run(airflow)

    for _ in range(3):
        first = await runs_of(requests_to).mapped(
            "fanout", "r1", "process", page=1, limit=2, states=()
        )
    assert airflow.calls["mapped_instances"] == 1
    assert [ti.map_index for ti in first.items] == [0, 1] and first.total == 5

    await actions_of(requests_to).mark(
        "fanout", "r1", "process", MarkBody(state="failed", map_index=1)
    )

    after = await runs_of(requests_to).mapped("fanout", "r1", "process", page=1, limit=2, states=())
    assert [ti.state for ti in after.items] == ["success", "failed"]
    failed = await runs_of(requests_to).mapped(
        "fanout", "r1", "process", page=1, limit=2, states=("failed",)
    )
    assert [ti.map_index for ti in failed.items] == [1]


async def test_mapped_pages_still_running_are_reread_after_a_poll_interval(
    airflow: FakeAirflow, requests_to: ServiceRequests, cache: SharedCache
) -> None:
    mapped_run(airflow, width=2)
    kept = airflow.instances[("fanout", "r1")]
    kept[1] = TaskInstance(task_id="process", map_index=1, state="running")
    await runs_of(requests_to).mapped("fanout", "r1", "process", page=1, limit=50, states=())
    kept[1] = TaskInstance(task_id="process", map_index=1, state="success")
    cache.clock = lambda: time.time() + caching.LIVE_TTL + 0.1

    page = await runs_of(requests_to).mapped("fanout", "r1", "process", page=1, limit=50, states=())

    assert [ti.state for ti in page.items] == ["success", "success"]
    assert airflow.calls["mapped_instances"] == 2
    assert "get_run" not in airflow.calls, "caching a page never costs a read of its run"


async def test_a_clear_drops_the_runs_pages_and_the_mapped_pages_of_that_run(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    mapped_run(airflow)
    await runs_of(requests_to).page("fanout", page=1, limit=20, states=())
    await runs_of(requests_to).mapped("fanout", "r1", "process", page=1, limit=50, states=())
    calls = dict(airflow.calls)

    await actions_of(requests_to).clear("fanout", "r1", "process", ClearBody())
    await runs_of(requests_to).page("fanout", page=1, limit=20, states=())
    await runs_of(requests_to).mapped("fanout", "r1", "process", page=1, limit=50, states=())

    assert airflow.calls["list_runs"] == calls["list_runs"] + 1
    assert airflow.calls["mapped_instances"] == calls["mapped_instances"] + 1
