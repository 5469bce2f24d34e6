"""Every read route of the Orchestrator API against the real Airflow 3 and the example DAGs."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.airflow_runs import ensure_run
from tests.support.examples import EXAMPLE_DAGS

pytestmark = pytest.mark.integration

Client = AsyncTestClient[Litestar]
PREFIX = "/api/orchestrator"
# Airflow run ids may hold + : ~ . — each must survive the trip through both APIs' URLs.
TRICKY_RUN_ID = "manual__2026-01-01T00:00:00+00:00_airdeck~v1.0"
GROUPED_RUN_ID = "manual__grouped+airdeck"


def path(*parts: str) -> str:
    return PREFIX + "".join("/" + quote(p, safe="") for p in parts)


@pytest.fixture(scope="session")
def etl_run(airflow: Any) -> str:
    ensure_run(airflow, "etl_pipeline", TRICKY_RUN_ID, {})
    return TRICKY_RUN_ID


@pytest.fixture(scope="session")
def grouped_run(airflow: Any) -> str:
    ensure_run(airflow, "grouped_pipeline", GROUPED_RUN_ID, {})
    return GROUPED_RUN_ID


async def test_dag_list_has_every_example_with_human_schedule(client: Client) -> None:
    response = await client.get(path("dags"), params={"limit": 100})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["page"] == 1 and body["limit"] == 100
    dags = {d["dag_id"]: d for d in body["dags"]}
    assert set(dags) >= EXAMPLE_DAGS
    assert body["total"] == len(body["dags"])
    etl = dags["etl_pipeline"]
    assert etl["schedule_description"] == "At 00:00"
    assert etl["owners"] == ["data-eng"]
    assert set(etl["tags"]) >= {"etl", "example"}
    assert etl["next_run"] is not None
    assert dags["slow_logger"]["schedule_description"] == "Manual"


async def test_dag_list_pages_are_disjoint_and_ordered(client: Client) -> None:
    first = (await client.get(path("dags"), params={"limit": 2, "page": 1})).json()
    second = (await client.get(path("dags"), params={"limit": 2, "page": 2})).json()
    ids_1 = [d["dag_id"] for d in first["dags"]]
    ids_2 = [d["dag_id"] for d in second["dags"]]
    assert len(ids_1) == 2 and len(ids_2) == 2
    assert ids_1 + ids_2 == sorted(ids_1 + ids_2)
    assert first["total"] == second["total"] >= len(EXAMPLE_DAGS)


async def test_dag_list_filters(client: Client) -> None:
    async def ids(**params: Any) -> set[str]:
        response = await client.get(path("dags"), params={"limit": 100, **params})
        assert response.status_code == 200, response.text
        return {d["dag_id"] for d in response.json()["dags"]}

    assert await ids(search="mapped") == {"mapped_fanout"}
    assert "etl_pipeline" in await ids(tags="etl")
    assert "slow_logger" not in await ids(tags="etl")
    assert "etl_pipeline" in await ids(owner="data-eng")
    assert "etl_pipeline" not in await ids(owner="nobody-owns-this")
    assert await ids(paused="true") | await ids(paused="false") >= EXAMPLE_DAGS


async def test_dag_list_sorts_the_whole_list_not_a_page(client: Client) -> None:
    async def ids(sort: str, **params: Any) -> list[str]:
        """Every matching DAG id, read three to a page."""
        found: list[str] = []
        while True:
            page = len(found) // 3 + 1
            response = await client.get(
                path("dags"), params={"limit": 3, "page": page, "sort": sort, **params}
            )
            assert response.status_code == 200, response.text
            body = response.json()
            found += [d["dag_id"] for d in body["dags"]]
            if len(found) >= body["total"]:
                return found

    ascending = await ids("dag_id")
    assert ascending == sorted(ascending) and len(ascending) == len(set(ascending))
    assert await ids("-dag_id") == ascending[::-1]
    # Airflow orders by next run (never-scheduled DAGs last) even when Airdeck filters by tag.
    everything = (await client.get(path("dags"), params={"limit": 100})).json()["dags"]
    next_runs = {d["dag_id"]: d["next_run"] for d in everything}
    by_next = await ids("next_run", tags="example")
    scheduled = [next_runs[d] for d in by_next if next_runs[d] is not None]
    assert scheduled and scheduled == sorted(scheduled)
    assert all(next_runs[d] is None for d in by_next[len(scheduled) :])
    # Last runs: a descending order is the exact reverse of the ascending one, page by page.
    for field in ("last_run", "last_run_state"):
        forward = await ids(field)
        assert sorted(forward) == ascending
        assert await ids("-" + field) == forward[::-1]


async def test_dag_list_rejects_an_unknown_sort(client: Client) -> None:
    response = await client.get(path("dags"), params={"sort": "owner"})
    assert response.status_code == 400
    assert "sort" in response.json()["detail"]


@pytest.mark.parametrize("field", ["search", "owner", "tags", "environment"])
async def test_dag_list_text_with_a_control_character_is_400(client: Client, field: str) -> None:
    # Airflow answers 500 to a NUL in its filters: Airdeck refuses it before asking.
    response = await client.get(path("dags"), params={field: "etl\x00"})
    assert response.status_code == 400
    assert field in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"page": 0}, "page"),
        ({"page": 10**20}, "page"),
    ],
)
async def test_dag_list_rejects_out_of_range_paging(
    client: Client, params: dict[str, int], field: str
) -> None:
    response = await client.get(path("dags"), params=params)
    assert response.status_code == 400
    assert field in response.json()["detail"]


async def test_dag_detail_has_params_schema_and_version(client: Client) -> None:
    response = await client.get(path("dags", "parametrized_report"))
    assert response.status_code == 200, response.text
    dag = response.json()["dag"]
    props = dag["params_schema"]["properties"]
    assert props["region"]["enum"] == ["eu", "us", "apac"]
    assert props["days"]["minimum"] == 1 and props["days"]["maximum"] == 31
    assert dag["latest_dag_version"]["version_number"] >= 1


async def test_unknown_dag_is_404_with_message(client: Client) -> None:
    response = await client.get(path("dags", "no_such_dag"))
    assert response.status_code == 404
    assert "no_such_dag" in response.json()["detail"]


async def test_run_with_plus_and_colon_in_its_id(client: Client, etl_run: str) -> None:
    response = await client.get(path("dags", "etl_pipeline", "runs", etl_run))
    assert response.status_code == 200, response.text
    run = response.json()["run"]
    assert run["run_id"] == etl_run
    assert run["state"] == "success"
    assert run["duration_seconds"] > 0
    tasks = await client.get(path("dags", "etl_pipeline", "runs", etl_run, "tasks"))
    states = {t["task_id"]: t["state"] for t in tasks.json()["tasks"]}
    assert states["load_incremental"] == "skipped"
    assert states["load_full"] == "success"


async def test_runs_newest_first_with_state_filter(client: Client, etl_run: str) -> None:
    response = await client.get(path("dags", "etl_pipeline", "runs"), params={"limit": 50})
    assert response.status_code == 200, response.text
    runs = response.json()["runs"]
    assert etl_run in {r["run_id"] for r in runs}
    afters = [r["run_after"] for r in runs]
    assert afters == sorted(afters, reverse=True)
    failed = await client.get(path("dags", "etl_pipeline", "runs"), params={"state": "failed"})
    assert all(r["state"] == "failed" for r in failed.json()["runs"])
    too_many = await client.get(path("dags", "etl_pipeline", "runs"), params={"limit": 51})
    assert too_many.status_code == 400


async def test_unknown_run_is_404(client: Client) -> None:
    response = await client.get(path("dags", "etl_pipeline", "runs", "manual__nope+00:00"))
    assert response.status_code == 404


async def test_structure_edges_and_groups(client: Client) -> None:
    response = await client.get(path("dags", "etl_pipeline", "structure"))
    assert response.status_code == 200, response.text
    graph = response.json()
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert ("extract", "validate") in edges
    nodes = {n["id"]: n for n in graph["nodes"]}
    for source, target in edges:
        assert nodes[source]["x"] < nodes[target]["x"], "layout flows left to right"
    grouped = (await client.get(path("dags", "grouped_pipeline", "structure"))).json()
    group_ids = {n["group_id"] for n in grouped["nodes"] if n["kind"] == "task"}
    assert {"extract", "transform.clean"} <= group_ids


async def test_mapped_run_aggregates_more_than_a_page(client: Client, mapped_run: str) -> None:
    response = await client.get(path("dags", "mapped_fanout", "runs", mapped_run, "tasks"))
    assert response.status_code == 200, response.text
    tasks = {t["task_id"]: t for t in response.json()["tasks"]}
    process = tasks["process"]
    failing = [i for i in range(120) if i % 25 == 7]
    assert process["is_mapped"] is True
    assert process["map_count"] == 120
    assert process["state_counts"] == {"failed": len(failing), "success": 120 - len(failing)}
    assert process["state"] == "failed"
    assert tasks["report_failures"]["state"] == "success"
    assert tasks["summarize"]["state"] == "success"


async def test_mapped_instances_are_paged_and_filtered(client: Client, mapped_run: str) -> None:
    url = path("dags", "mapped_fanout", "runs", mapped_run, "tasks", "process", "mapped")
    page_2 = (await client.get(url, params={"page": 2, "limit": 50})).json()
    assert page_2["total"] == 120
    assert [i["map_index"] for i in page_2["instances"]] == list(range(50, 100))
    failed = (await client.get(url, params={"state": "failed", "limit": 200})).json()
    assert [i["map_index"] for i in failed["instances"]] == [i for i in range(120) if i % 25 == 7]
    # More than Airflow serves in one page (100) still comes back as one page.
    everything = (await client.get(url, params={"limit": 200})).json()
    assert [i["map_index"] for i in everything["instances"]] == list(range(120))
    tail = (await client.get(url, params={"limit": 150, "page": 1})).json()
    assert len(tail["instances"]) == 120 and tail["total"] == 120


async def test_run_graph_overlays_states(client: Client, mapped_run: str) -> None:
    response = await client.get(path("dags", "mapped_fanout", "runs", mapped_run, "graph"))
    assert response.status_code == 200, response.text
    nodes = {n["id"]: n for n in response.json()["nodes"]}
    assert nodes["process"]["state"] == "failed"
    assert nodes["process"]["map_count"] == 120
    assert nodes["summarize"]["state"] == "success"


def _encloses(box: dict[str, Any], node: dict[str, Any]) -> bool:
    return (
        box["x"] <= node["x"]
        and box["y"] <= node["y"]
        and node["x"] + node["width"] <= box["x"] + box["width"]
        and node["y"] + node["height"] <= box["y"] + box["height"]
    )


async def test_structure_collapses_a_group_into_one_node_and_expands_back(client: Client) -> None:
    url = path("dags", "grouped_pipeline", "structure")
    full = (await client.get(url)).json()
    response = await client.get(url, params={"collapsed": "transform"})
    assert response.status_code == 200, response.text
    graph = response.json()
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert not [i for i in nodes if i.startswith("transform.")]
    group = nodes["transform"]
    assert (group["kind"], group["map_count"]) == ("group", 3)
    assert (group["width"], group["height"]) == (nodes["load"]["width"], nodes["load"]["height"])
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert edges == {
        ("extract.orders", "transform"),
        ("extract.customers", "transform"),
        ("transform", "load"),
    }
    for source, target in edges:
        assert nodes[source]["x"] < nodes[target]["x"], "the collapsed view is laid out again"
    assert _encloses(nodes["extract"], nodes["extract.orders"]), "other groups stay boxed"
    assert (await client.get(url, params={"collapsed": ""})).json() == full


async def test_structure_collapses_a_nested_group_inside_its_parent_box(client: Client) -> None:
    url = path("dags", "grouped_pipeline", "structure")
    response = await client.get(url, params={"collapsed": "transform.clean,extract"})
    assert response.status_code == 200, response.text
    nodes = {n["id"]: n for n in response.json()["nodes"]}
    assert set(nodes) == {"extract", "transform", "transform.clean", "transform.enrich", "load"}
    assert nodes["transform.clean"]["map_count"] == 2
    assert nodes["extract"]["map_count"] == 2
    assert _encloses(nodes["transform"], nodes["transform.clean"])
    assert _encloses(nodes["transform"], nodes["transform.enrich"])


@pytest.mark.parametrize(
    ("dag_id", "collapsed", "hint"),
    [
        ("grouped_pipeline", "transform,nope", "This DAG's groups: extract, transform"),
        ("grouped_pipeline", "transform.dedupe", "transform.clean"),
        ("etl_pipeline", "extract", "This DAG has no task groups"),
    ],
)
async def test_collapsing_an_unknown_group_is_400_naming_it(
    client: Client, dag_id: str, collapsed: str, hint: str
) -> None:
    response = await client.get(path("dags", dag_id, "structure"), params={"collapsed": collapsed})
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert collapsed.split(",")[-1] in detail and hint in detail


async def test_run_graph_collapses_groups_with_aggregate_state(
    client: Client, grouped_run: str
) -> None:
    url = path("dags", "grouped_pipeline", "runs", grouped_run, "graph")
    response = await client.get(url, params={"collapsed": "transform"})
    assert response.status_code == 200, response.text
    nodes = {n["id"]: n for n in response.json()["nodes"]}
    group = nodes["transform"]
    assert (group["state"], group["map_count"], group["state_counts"]) == (
        "success",
        3,
        {"success": 3},
    )
    assert nodes["load"]["state"] == "success"
    bad = await client.get(url, params={"collapsed": "nope"})
    assert bad.status_code == 400 and "nope" in bad.json()["detail"]


async def test_health_reports_components(client: Client) -> None:
    response = await client.get(path("health"))
    assert response.status_code == 200, response.text
    health = response.json()
    assert health["reachable"] is True
    assert health["deployment"] == "default"
    assert health["db"]["status"] == "healthy"
    assert health["scheduler"]["status"] in ("healthy", "degraded")
    assert health["scheduler"]["age_seconds"] is not None


async def test_openapi_has_operation_ids(client: Client) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    operations = [
        op
        for item in response.json()["paths"].values()
        for op in item.values()
        if "responses" in op
    ]
    ids = {op["operationId"] for op in operations}
    assert {
        "listDags",
        "getDag",
        "listRuns",
        "getRun",
        "getDagStructure",
        "listRunTasks",
        "listMappedInstances",
        "getTaskLogs",
        "getHealth",
    } <= ids
