"""``GET /dags/{dag_id}/grid``: a DAG's tasks by its last runs against the real Airflow 3,
compared with what Airflow itself answers: nested task groups above their members, a failed
run, a mapped task's counts; the Airflow calls a cold grid makes are counted."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.airflow_runs import client as airflow_client
from tests.support.airflow_runs import task_instances
from tests.support.counting_proxy import CountingProxy
from tests.support.grid_runs import DAG_ID, FAILED_TASK, GROUPS, ensure_grid_runs
from tests.support.people import Person, client_as

pytestmark = pytest.mark.integration

Client = AsyncTestClient[Litestar]
PREFIX = "/api/orchestrator"
BATCH = "/api/v2/dags/~/dagRuns/~/taskInstances/list"


def path(*parts: str) -> str:
    return PREFIX + "".join("/" + quote(p, safe="") for p in parts)


@pytest.fixture(scope="module")
def grid_runs(airflow: Any) -> tuple[str, str]:
    return ensure_grid_runs(airflow)


def airflow_run_ids(airflow: Any, dag_id: str, limit: int) -> list[str]:
    response = airflow_client(airflow).get(
        f"/dags/{dag_id}/dagRuns", params={"limit": limit, "order_by": "-run_after"}
    )
    response.raise_for_status()
    return [run["dag_run_id"] for run in response.json()["dag_runs"]]


async def grid_of(client: Client, dag_id: str, runs: int = 25) -> dict[str, Any]:
    response = await client.get(path("dags", dag_id, "grid"), params={"runs": runs})
    assert response.status_code == 200, response.text
    grid: dict[str, Any] = response.json()
    return grid


async def test_groups_sit_above_their_members_and_cells_are_airflows_states(
    client: Client, airflow: Any, grid_runs: tuple[str, str]
) -> None:
    ok_run, failed_run = grid_runs
    grid = await grid_of(client, DAG_ID, runs=100)

    run_ids = [run["run_id"] for run in grid["runs"]]
    assert set(run_ids) == set(airflow_run_ids(airflow, DAG_ID, 100))
    assert run_ids.index(ok_run) < run_ids.index(failed_run), "oldest first"
    states = {run["run_id"]: run["state"] for run in grid["runs"]}
    assert (states[ok_run], states[failed_run]) == ("success", "failed")

    rows = grid["rows"]
    # The two extract tasks have no order between them (Airflow lists tasks by id).
    assert {r["id"] for r in rows[1:3]} == {"extract.orders", "extract.customers"}
    assert [(r["id"], r["kind"], r["depth"]) for r in rows[:1] + rows[3:]] == [
        ("extract", "group", 0),
        ("transform", "group", 0),
        ("transform.clean", "group", 1),
        ("transform.clean.dedupe", "task", 2),
        ("transform.clean.normalize", "task", 2),
        ("transform.enrich", "task", 1),
        ("load", "task", 0),
    ]
    assert {r["id"] for r in rows if r["kind"] == "group"} == set(GROUPS)
    assert next(r for r in rows if r["id"] == FAILED_TASK)["label"] == "normalize"

    for run_id in (ok_run, failed_run):
        column = run_ids.index(run_id)
        theirs = {ti["task_id"]: ti["state"] for ti in task_instances(airflow, DAG_ID, run_id)}
        ours = {r["id"]: r["cells"][column]["state"] for r in rows if r["kind"] == "task"}
        assert ours == theirs, run_id

    failed = run_ids.index(failed_run)
    cells = {r["id"]: r["cells"][failed] for r in rows}
    assert cells[FAILED_TASK]["state"] == "failed"
    assert cells["transform.clean"] == {
        "state": "failed",
        "state_counts": {"failed": 1, "success": 1},
    }
    assert cells["transform"]["state"] == "failed"
    assert cells["extract"] == {"state": "success", "state_counts": {"success": 2}}


async def test_a_mapped_task_shows_its_instances_counts(
    client: Client, airflow: Any, mapped_run: str
) -> None:
    grid = await grid_of(client, "mapped_fanout", runs=100)
    run_ids = [run["run_id"] for run in grid["runs"]]
    process = next(r for r in grid["rows"] if r["id"] == "process")
    assert process["is_mapped"] is True

    cell = process["cells"][run_ids.index(mapped_run)]
    instances = [
        ti
        for ti in task_instances(airflow, "mapped_fanout", mapped_run)
        if ti["task_id"] == "process"
    ]
    assert cell["map_count"] == len(instances) == 120
    assert cell["state_counts"] == dict(Counter(ti["state"] for ti in instances))
    assert cell["state_counts"]["failed"] == len([i for i in range(120) if i % 25 == 7])
    assert cell["state"] == "failed"
    summarize = next(r for r in grid["rows"] if r["id"] == "summarize")
    assert summarize["cells"][run_ids.index(mapped_run)] == {"state": "success"}


async def test_a_cold_grid_reads_batched_and_a_warm_one_reads_no_finished_run(
    make_app: Callable[..., Litestar],
    proxy: CountingProxy,
    person: Person,
    airflow: Any,
    grid_runs: tuple[str, str],
) -> None:
    runs = 8
    async with client_as(person, make_app(AIRDECK_AIRFLOW_URL=proxy.url)) as fresh:
        proxy.reset()
        grid = await grid_of(fresh, DAG_ID, runs=runs)
        cold = proxy.api_calls()
        run_ids = [run["run_id"] for run in grid["runs"]]
        assert set(grid_runs) <= set(run_ids) and len(run_ids) <= runs
        listed = airflow_client(airflow).post(
            "/dags/~/dagRuns/~/taskInstances/list",
            json={"dag_ids": [DAG_ID], "dag_run_ids": run_ids, "page_limit": 1},
        )
        pages = math.ceil(listed.json()["total_entries"] / 100)
        # The DAG's detail (its version), its tasks, one page of runs: never a call per run.
        reads = sorted(p.split("?")[0] for m, p in cold if m == "GET")
        assert reads == [
            f"/api/v2/dags/{DAG_ID}/dagRuns",
            f"/api/v2/dags/{DAG_ID}/details",
            f"/api/v2/dags/{DAG_ID}/tasks",
        ], cold
        assert [p for m, p in cold if m == "POST"] == [BATCH] * pages, cold

        proxy.reset()
        live = [r for r in grid["runs"] if r["state"] not in ("success", "failed")]
        again = await grid_of(fresh, DAG_ID, runs=runs)
        warm = proxy.api_calls()
        if not live:
            assert again["rows"] == grid["rows"]
        # Finished runs' instances are never read again; only a live run's may be.
        assert sum(1 for m, _ in warm if m == "POST") <= (1 if live else 0), warm


@pytest.mark.parametrize("runs", ["0", "101", "many"])
async def test_a_bad_number_of_runs_is_400_naming_it(client: Client, runs: str) -> None:
    response = await client.get(path("dags", DAG_ID, "grid"), params={"runs": runs})
    assert response.status_code == 400, response.text
    assert "runs" in response.json()["detail"]


async def test_an_unknown_dag_has_no_grid(client: Client) -> None:
    response = await client.get(path("dags", "grid_no_such_dag", "grid"))
    assert response.status_code == 404, response.text
    assert "grid_no_such_dag" in response.json()["detail"]
