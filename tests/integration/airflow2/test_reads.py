"""The read routes against a real Airflow 2.11 (``/api/v1``), configured beside the Airflow 3."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.airflow2.conftest import DEPLOYMENT, MAPPED_COUNT
from tests.support.examples import EXAMPLE_DAGS

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
ON = {"deployment": DEPLOYMENT}
FAILING = [i for i in range(MAPPED_COUNT) if i % 25 == 7]
"""The mapped instances mapped_fanout fails on purpose."""


def path(*parts: str) -> str:
    return "/api/orchestrator" + "".join("/" + quote(p, safe="") for p in parts)


async def get(client: Client, url: str, **params: Any) -> Any:
    response = await client.get(url, params={**ON, **params})
    assert response.status_code == 200, response.text
    return response.json()


async def test_list_has_every_example_dag_of_the_deployment(client: Client) -> None:
    body = await get(client, path("dags"), limit=100)
    dags = {d["dag_id"]: d for d in body["dags"]}
    assert set(dags) == EXAMPLE_DAGS and body["total"] == len(EXAMPLE_DAGS)
    assert {d["deployment"] for d in body["dags"]} == {DEPLOYMENT}
    etl = dags["etl_pipeline"]
    assert etl["owners"] == ["data-eng"]
    assert (etl["schedule"], etl["schedule_description"]) == ("@daily", "At 00:00")
    assert etl["next_run"] is not None, "Airflow 2 names the next run next_dagrun_create_after"
    assert dags["slow_logger"]["schedule_description"] == "Manual"
    assert dags["mapped_fanout"]["display_name"] == "Mapped fan-out → summary"


async def test_list_pages_are_disjoint_and_ordered(client: Client) -> None:
    first = await get(client, path("dags"), limit=3, page=1)
    second = await get(client, path("dags"), limit=3, page=2)
    ids = [d["dag_id"] for d in first["dags"] + second["dags"]]
    assert ids == sorted(set(ids)) and len(ids) == 6
    backwards = await get(client, path("dags"), limit=3, sort="-dag_id")
    assert [d["dag_id"] for d in backwards["dags"]] == sorted(EXAMPLE_DAGS, reverse=True)[:3]


async def test_list_filters_by_owner_search_tag_and_pause(client: Client) -> None:
    async def ids(**params: Any) -> list[str]:
        return [d["dag_id"] for d in (await get(client, path("dags"), limit=100, **params))["dags"]]

    # /api/v1 has no owner filter (it answers 400 to one): Airdeck filters, as Airflow 3 does.
    assert await ids(owner="data-eng") == ["etl_pipeline", "grouped_pipeline"]
    assert await ids(owner="DATA") == ["etl_pipeline", "grouped_pipeline"]
    assert await ids(owner="nobody-owns-this") == []
    assert await ids(owner="platform", search="slow") == ["slow_logger"]
    assert await ids(search="mapped") == ["mapped_fanout"]
    assert await ids(tags="etl") == ["etl_pipeline"]
    assert set(await ids(paused="true")) | set(await ids(paused="false")) == EXAMPLE_DAGS


async def test_owner_filter_pages_over_the_matching_dags(client: Client) -> None:
    # "platform" is also part of ml-platform, service_pipeline's owner: Airflow 3 matches it too.
    owned = ["flaky_retry", "leaky_logger", "mapped_fanout", "service_pipeline", "slow_logger"]
    pages = [await get(client, path("dags"), owner="platform", limit=3, page=n) for n in (1, 2)]
    assert [p["total"] for p in pages] == [len(owned), len(owned)]
    assert [d["dag_id"] for p in pages for d in p["dags"]] == owned


async def test_a_sort_airflow_2_cannot_do_is_400(client: Client) -> None:
    response = await client.get(path("dags"), params={**ON, "sort": "next_run"})
    assert response.status_code == 400
    assert "cannot sort" in response.json()["detail"]


async def test_detail_has_params_schema_and_owners(client: Client) -> None:
    dag = (await get(client, path("dags", "parametrized_report")))["dag"]
    props = dag["params_schema"]["properties"]
    assert props["region"]["enum"] == ["eu", "us", "apac"]
    assert (props["days"]["minimum"], props["days"]["maximum"]) == (1, 31)
    assert dag["owners"] == ["analytics"], "Airflow 2's details answer none: read from the DAG"
    assert dag["deployment"] == DEPLOYMENT
    assert dag["latest_dag_version"] is None, "Airflow 2 does not version DAGs"
    missing = await client.get(path("dags", "no_such_dag"), params=ON)
    assert missing.status_code == 404 and "no_such_dag" in missing.json()["detail"]


async def test_runs_and_one_run(client: Client, etl_run: str) -> None:
    runs = (await get(client, path("dags", "etl_pipeline", "runs"), limit=50))["runs"]
    assert etl_run in [r["run_id"] for r in runs]
    afters = [r["run_after"] for r in runs]
    assert None not in afters and afters == sorted(afters, reverse=True)
    run = (await get(client, path("dags", "etl_pipeline", "runs", etl_run)))["run"]
    assert (run["run_id"], run["state"], run["deployment"]) == (etl_run, "success", DEPLOYMENT)
    assert run["duration_seconds"] > 0
    failed = await get(client, path("dags", "etl_pipeline", "runs"), state="failed")
    assert all(r["state"] == "failed" for r in failed["runs"])
    missing = await client.get(
        path("dags", "etl_pipeline", "runs", "manual__nope+00:00"), params=ON
    )
    assert missing.status_code == 404


async def test_structure_has_edges_groups_and_a_layout(client: Client) -> None:
    graph = await get(client, path("dags", "etl_pipeline", "structure"))
    edges = {(e["source"], e["target"]) for e in graph["edges"]}
    assert ("extract", "validate") in edges
    nodes = {n["id"]: n for n in graph["nodes"]}
    assert all(nodes[source]["x"] < nodes[target]["x"] for source, target in edges)
    grouped = await get(client, path("dags", "grouped_pipeline", "structure"))
    assert {"extract", "transform.clean"} <= {
        n["group_id"] for n in grouped["nodes"] if n["kind"] == "task"
    }
    collapsed = await get(
        client, path("dags", "grouped_pipeline", "structure"), collapsed="transform"
    )
    assert "transform" in {n["id"] for n in collapsed["nodes"]}


async def test_task_instances_of_a_run(client: Client, etl_run: str) -> None:
    tasks = (await get(client, path("dags", "etl_pipeline", "runs", etl_run, "tasks")))["tasks"]
    states = {t["task_id"]: t["state"] for t in tasks}
    assert states["load_full"] == "success"
    assert states["load_incremental"] == "skipped"
    graph = await get(client, path("dags", "etl_pipeline", "runs", etl_run, "graph"))
    assert {n["id"]: n["state"] for n in graph["nodes"]}["load_full"] == "success"


async def test_mapped_task_is_aggregated_and_its_instances_paged(
    client: Client, mapped_run: str
) -> None:
    run = path("dags", "mapped_fanout", "runs", mapped_run)
    tasks = {t["task_id"]: t for t in (await get(client, run + "/tasks"))["tasks"]}
    process = tasks["process"]
    assert process["is_mapped"] is True and process["map_count"] == MAPPED_COUNT
    assert process["state_counts"] == {"failed": len(FAILING), "success": MAPPED_COUNT - 1}
    assert tasks["summarize"]["state"] == "success"
    url = run + "/tasks/process/mapped"
    second = await get(client, url, page=2, limit=3)
    assert second["total"] == MAPPED_COUNT
    assert [i["map_index"] for i in second["instances"]] == [3, 4, 5]
    failed = await get(client, url, state="failed")
    assert [i["map_index"] for i in failed["instances"]] == FAILING


async def test_health_counts_the_scheduler_as_the_dag_processor(client: Client) -> None:
    health = await get(client, path("health"))
    assert (health["deployment"], health["reachable"]) == (DEPLOYMENT, True)
    assert health["db"]["status"] == "healthy"
    assert health["scheduler"]["status"] in ("healthy", "degraded")
    # Airflow 2 parses DAGs in its scheduler and reports no DAG processor of its own.
    assert health["dag_processor"]["status"] == health["scheduler"]["status"]
    assert health["triggerer"]["status"] in ("healthy", "degraded")
    assert health["status"] in ("healthy", "degraded")
