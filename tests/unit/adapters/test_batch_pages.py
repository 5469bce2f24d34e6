"""The batch lists read whole (ADR 0027): one call where Airflow serves the page asked for, and
the rest in pages of the size it served where it caps them. Neither Airflow version caps these
bodies' ``page_limit``, so a capping server is a shape only respx can serve."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from airdeck_adapters.airflow import AirflowClient, DeploymentConfig
from airdeck_adapters.airflow.client import BATCH_PAGE_LIMIT

BASE = "http://airflow.test:8080"
INSTANCES = f"{BASE}/api/v1/dags/~/dagRuns/~/taskInstances/list"
RUNS = f"{BASE}/api/v1/dags/~/dagRuns/list"


@pytest.fixture
def client() -> AirflowClient:
    return AirflowClient(
        DeploymentConfig(name="d", url=BASE, username="svc", password="pw", api_version="v1")
    )


def serving(key: str, items: list[dict[str, Any]], cap: int | None) -> Any:
    """A batch list over ``items`` that serves at most ``cap`` of them a call (None: no cap)."""

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        offset, limit = body.get("page_offset", 0), body["page_limit"]
        size = limit if cap is None else min(limit, cap)
        page = items[offset : offset + size]
        return httpx.Response(200, json={key: page, "total_entries": len(items)})

    return answer


def instances(count: int) -> list[dict[str, Any]]:
    # Served out of map index order, as Airflow 3's primary key may order them.
    indexes = [*range(1, count, 2), *range(0, count, 2)]
    return [{"task_id": "item", "dag_run_id": "r1", "map_index": i} for i in indexes]


@pytest.mark.parametrize(("cap", "calls"), [(None, 1), (100, 3)])
@respx.mock
async def test_every_instance_of_a_run_whatever_the_server_serves_at_once(
    client: AirflowClient, cap: int | None, calls: int
) -> None:
    route = respx.post(INSTANCES).mock(side_effect=serving("task_instances", instances(250), cap))
    found = await client.task_instances("dag", "r1")
    assert [ti.map_index for ti in found] == list(range(250))
    assert route.call_count == calls
    asked = [json.loads(call.request.content) for call in route.calls]
    assert asked[0] == {
        "dag_ids": ["dag"],
        "dag_run_ids": ["r1"],
        "page_offset": 0,
        "page_limit": BATCH_PAGE_LIMIT,
    }
    # Past a cap, the rest in pages of the size served.
    assert sorted((a["page_offset"], a["page_limit"]) for a in asked[1:]) == (
        [(100, 100), (200, 100)] if cap else []
    )


@pytest.mark.parametrize(("cap", "calls"), [(None, 1), (100, 3)])
@respx.mock
async def test_a_long_page_of_runs_is_read_whole_in_order(
    client: AirflowClient, cap: int | None, calls: int
) -> None:
    runs = [{"dag_run_id": f"run-{n}", "dag_id": "dag"} for n in range(300, 0, -1)]
    route = respx.post(RUNS).mock(side_effect=serving("dag_runs", runs, cap))
    found, total = await client.list_runs("dag", offset=20, limit=250, states=["success"])
    assert total == 300
    assert [r.run_id for r in found] == [f"run-{n}" for n in range(280, 30, -1)]
    assert route.call_count == calls
    first = json.loads(route.calls[0].request.content)
    assert first == {
        "dag_ids": ["dag"],
        "order_by": "-execution_date",
        "page_offset": 20,
        "page_limit": 250,
        "states": ["success"],
    }
    # The last part asks for what the page still lacks, not a whole served size.
    asked = sorted(
        (body["page_offset"], body["page_limit"])
        for body in (json.loads(call.request.content) for call in route.calls[1:])
    )
    assert asked == ([(120, 100), (220, 50)] if cap else [])
