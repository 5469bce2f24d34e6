"""``GET …/runs/{run_id}/snapshot``: the run, its graph and its tasks in one response, against
the real Airflow 3, with the Airflow calls it makes counted through a proxy."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.airflow_runs import ensure_run
from tests.support.counting_proxy import CountingProxy
from tests.support.people import Person, client_as

pytestmark = pytest.mark.integration

Client = AsyncTestClient[Litestar]
PREFIX = "/api/orchestrator"
GROUPED_RUN_ID = "manual__grouped+airdeck"


def path(*parts: str) -> str:
    return PREFIX + "".join("/" + quote(p, safe="") for p in parts)


@pytest.fixture(scope="module")
def grouped_run(airflow: Any) -> str:
    ensure_run(airflow, "grouped_pipeline", GROUPED_RUN_ID, {})
    return GROUPED_RUN_ID


async def cold_calls(
    make_app: Callable[..., Litestar], proxy: CountingProxy, url: str, person: Person
) -> Counter[tuple[str, str]]:
    """The Airflow calls one request to ``url`` by ``person`` makes on a fresh API (empty
    cache)."""
    async with client_as(person, make_app(AIRDECK_AIRFLOW_URL=proxy.url)) as fresh:
        proxy.reset()
        response = await fresh.get(url)
        assert response.status_code == 200, response.text
        return proxy.counts()


async def test_snapshot_is_the_run_its_graph_and_its_tasks(client: Client, mapped_run: str) -> None:
    run_path = path("dags", "mapped_fanout", "runs", mapped_run)
    response = await client.get(run_path + "/snapshot")
    assert response.status_code == 200, response.text
    snapshot = response.json()
    assert set(snapshot) == {"run", "graph", "tasks"}
    assert snapshot["run"] == (await client.get(run_path)).json()["run"]
    assert snapshot["graph"] == (await client.get(run_path + "/graph")).json()
    assert snapshot["tasks"] == (await client.get(run_path + "/tasks")).json()["tasks"]
    tasks = {t["task_id"]: t for t in snapshot["tasks"]}
    assert set(tasks) == {"make_items", "process", "report_failures", "summarize"}
    nodes = {n["id"]: n for n in snapshot["graph"]["nodes"]}
    assert all(nodes[t]["state"] == tasks[t]["state"] is not None for t in tasks)


async def test_snapshot_collapses_groups_like_the_graph(client: Client, grouped_run: str) -> None:
    run_path = path("dags", "grouped_pipeline", "runs", grouped_run)
    snapshot = await client.get(run_path + "/snapshot", params={"collapsed": "transform"})
    assert snapshot.status_code == 200, snapshot.text
    graph = await client.get(run_path + "/graph", params={"collapsed": "transform"})
    assert snapshot.json()["graph"] == graph.json()
    assert "transform" in {n["id"] for n in snapshot.json()["graph"]["nodes"]}
    unknown = await client.get(run_path + "/snapshot", params={"collapsed": "nope"})
    assert unknown.status_code == 400
    assert "nope" in unknown.json()["detail"]


async def test_snapshot_of_an_unknown_run_is_404(client: Client) -> None:
    response = await client.get(path("dags", "etl_pipeline", "runs", "manual__nope", "snapshot"))
    assert response.status_code == 404
    assert "detail" in response.json()


async def test_snapshot_reads_each_airflow_resource_once(
    make_app: Callable[..., Litestar], proxy: CountingProxy, mapped_run: str, person: Person
) -> None:
    run_path = path("dags", "mapped_fanout", "runs", mapped_run)
    snapshot = await cold_calls(make_app, proxy, run_path + "/snapshot", person)
    repeated = {call: n for call, n in snapshot.items() if n > 1}
    assert not repeated, f"one snapshot read these Airflow resources more than once: {repeated}"
    reads = {target.split("?")[0] for _, target in snapshot}
    assert {
        "/api/v2/dags/mapped_fanout/dagRuns/manual__mapped%2Bairdeck%3A120",
        "/api/v2/dags/~/dagRuns/~/taskInstances/list",
        "/api/v2/dags/mapped_fanout/tasks",
    } <= reads
    # No more than the graph alone costs, though it answers for three routes.
    graph = await cold_calls(make_app, proxy, run_path + "/graph", person)
    assert sum(snapshot.values()) <= sum(graph.values())
