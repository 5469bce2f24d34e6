"""``GET /dags/{dag_id}/overview``: a DAG's last runs and what they say, against the real
Airflow 3, compared with what Airflow itself answers; a mapped task counts by its wall-clock
span, here and on the run page; the Airflow calls a cold overview makes are counted."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from airdeck_adapters.airflow.client import BATCH_PAGE_LIMIT
from tests.support.airflow_runs import client as airflow_client
from tests.support.airflow_runs import ensure_run, task_instances
from tests.support.counting_proxy import CountingProxy
from tests.support.people import Person, client_as

pytestmark = pytest.mark.integration

Client = AsyncTestClient[Litestar]
PREFIX = "/api/orchestrator"
ETL_RUN_ID = "manual__overview+airdeck"
BATCH = "/api/v2/dags/~/dagRuns/~/taskInstances/list"


def path(*parts: str) -> str:
    return PREFIX + "".join("/" + quote(p, safe="") for p in parts)


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def airflow_runs(airflow: Any, dag_id: str, limit: int) -> dict[str, Any]:
    response = airflow_client(airflow).get(
        f"/dags/{dag_id}/dagRuns", params={"limit": limit, "order_by": "-run_after"}
    )
    response.raise_for_status()
    page: dict[str, Any] = response.json()
    return page


def wall_clock(instances: list[dict[str, Any]]) -> float:
    """First start to last end, as Airflow reports the instances."""
    starts = [moment(ti["start_date"]) for ti in instances if ti["start_date"]]
    ends = [moment(ti["end_date"]) for ti in instances if ti["end_date"]]
    return (max(ends) - min(starts)).total_seconds()


@pytest.fixture(scope="module")
def etl_run(airflow: Any) -> str:
    ensure_run(airflow, "etl_pipeline", ETL_RUN_ID, {})
    return ETL_RUN_ID


async def test_overview_of_a_mapped_dag_matches_airflow(
    client: Client, airflow: Any, mapped_run: str
) -> None:
    before = airflow_runs(airflow, "mapped_fanout", 100)["total_entries"]
    response = await client.get(path("dags", "mapped_fanout", "overview"), params={"runs": 100})
    assert response.status_code == 200, response.text
    overview = response.json()
    after = airflow_runs(airflow, "mapped_fanout", 100)["total_entries"]
    assert overview["dag_id"] == "mapped_fanout"
    assert min(before, 100) <= len(overview["runs"]) <= min(after, 100)

    bars = {bar["run_id"]: bar for bar in overview["runs"]}
    run = airflow_client(airflow).get(f"/dags/mapped_fanout/dagRuns/{quote(mapped_run)}").json()
    bar = bars[mapped_run]
    run_seconds = (moment(run["end_date"]) - moment(run["start_date"])).total_seconds()
    assert bar["state"] == run["state"] == "success"
    assert bar["duration"] == pytest.approx(run_seconds)
    assert bar["queue_delay"] == pytest.approx(
        (moment(run["start_date"]) - moment(run["queued_at"])).total_seconds()
    )
    finished = [b for b in overview["runs"] if b["state"] in ("success", "failed")]
    assert overview["finished"] == len(finished)
    assert overview["success_rate"] == sum(b["state"] == "success" for b in finished) / len(
        finished
    )
    spread = overview["duration"]
    assert spread["count"] == len(finished)
    assert spread["median"] <= spread["p95"] <= spread["max"]
    assert spread["median"] == pytest.approx(statistics.median(b["duration"] for b in finished))

    # The mapped task counts once per run, from its first start to its last end: within the
    # run, however long its 120 instances took added up.
    process = next(t for t in overview["slowest_tasks"] if t["task_id"] == "process")
    assert process["is_mapped"] is True
    took = process["durations"][list(bars).index(mapped_run)]
    instances = [
        ti
        for ti in task_instances(airflow, "mapped_fanout", mapped_run)
        if ti["task_id"] == "process"
    ]
    assert len(instances) == 120
    assert took == pytest.approx(wall_clock(instances))
    assert took <= run_seconds
    medians = [t["spread"]["median"] for t in overview["slowest_tasks"]]
    assert medians == sorted(medians, reverse=True)


async def test_a_mapped_task_on_the_run_page_takes_its_wall_clock_span(
    client: Client, airflow: Any, mapped_run: str
) -> None:
    response = await client.get(path("dags", "mapped_fanout", "runs", mapped_run, "tasks"))
    assert response.status_code == 200, response.text
    process = next(t for t in response.json()["tasks"] if t["task_id"] == "process")
    instances = [
        ti
        for ti in task_instances(airflow, "mapped_fanout", mapped_run)
        if ti["task_id"] == "process"
    ]
    durations = [ti["duration"] for ti in instances if ti["duration"] is not None]
    assert process["duration"] == pytest.approx(wall_clock(instances))
    # Whether the span is shorter or longer than the summed durations depends on how many
    # instances the executor ran at once (a busy two-core machine runs them nearly one by one,
    # with gaps); either way the span is not the sum, and it covers the longest instance.
    assert process["duration"] != pytest.approx(sum(durations))
    assert process["duration"] >= max(durations)
    assert process["p50_duration"] == pytest.approx(statistics.median(durations))


async def test_a_cold_overview_costs_one_runs_read_and_batched_instances(
    make_app: Callable[..., Litestar],
    proxy: CountingProxy,
    person: Person,
    airflow: Any,
    etl_run: str,
) -> None:
    runs = 8
    async with client_as(person, make_app(AIRDECK_AIRFLOW_URL=proxy.url)) as fresh:
        proxy.reset()
        response = await fresh.get(path("dags", "etl_pipeline", "overview"), params={"runs": runs})
        assert response.status_code == 200, response.text
        cold = proxy.api_calls()
        run_ids = [bar["run_id"] for bar in response.json()["runs"]]
        # Other tests may have run the DAG since etl_run: any of its newest runs will do.
        assert 0 < len(run_ids) <= runs
        listed = airflow_client(airflow).post(
            "/dags/~/dagRuns/~/taskInstances/list",
            json={"dag_ids": ["etl_pipeline"], "dag_run_ids": run_ids, "page_limit": 1},
        )
        pages = math.ceil(listed.json()["total_entries"] / BATCH_PAGE_LIMIT)
        reads = [p.split("?")[0] for m, p in cold if m == "GET"]
        assert reads == ["/api/v2/dags/etl_pipeline/dagRuns"], cold
        assert [p for m, p in cold if m == "POST"] == [BATCH] * pages, cold
        assert len(cold) == 1 + pages

        proxy.reset()
        live = [b for b in response.json()["runs"] if b["state"] not in ("success", "failed")]
        again = await fresh.get(path("dags", "etl_pipeline", "overview"), params={"runs": runs})
        assert again.status_code == 200
        warm = proxy.api_calls()
        # Finished runs' instances are never read again; only a live run's may be.
        assert sum(1 for m, _ in warm if m == "POST") <= (1 if live else 0), warm
        assert sum(1 for m, _ in warm if m == "GET") <= 1, warm


async def test_past_a_page_of_runs_the_overview_reads_them_in_one_batch_call(
    make_app: Callable[..., Litestar],
    proxy: CountingProxy,
    person: Person,
    airflow: Any,
    etl_run: str,
) -> None:
    newest = airflow_runs(airflow, "etl_pipeline", 100)
    assert newest["total_entries"] < 100, "the test Airflow's etl_pipeline is one page of runs"
    async with client_as(person, make_app(AIRDECK_AIRFLOW_URL=proxy.url)) as fresh:
        proxy.reset()
        response = await fresh.get(path("dags", "etl_pipeline", "overview"), params={"runs": 1000})
        assert response.status_code == 200, response.text
        cold = [(m, p.split("?")[0]) for m, p in proxy.api_calls()]
    # Every run, as Airflow's own list orders them (the overview shows them oldest first).
    assert cold == [("POST", "/api/v2/dags/~/dagRuns/list"), ("POST", BATCH)], cold
    shown = [bar["run_id"] for bar in response.json()["runs"]]
    assert shown == [run["dag_run_id"] for run in reversed(newest["dag_runs"])]


@pytest.mark.parametrize("runs", ["0", "1001", "many"])
async def test_a_bad_number_of_runs_is_400_naming_it(client: Client, runs: str) -> None:
    response = await client.get(path("dags", "etl_pipeline", "overview"), params={"runs": runs})
    assert response.status_code == 400, response.text
    assert "runs" in response.json()["detail"]


async def test_an_unknown_dag_has_no_overview(client: Client) -> None:
    response = await client.get(path("dags", "overview_no_such_dag", "overview"))
    assert response.status_code == 404, response.text
    assert "overview_no_such_dag" in response.json()["detail"]
