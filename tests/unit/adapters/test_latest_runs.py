"""The batched last runs when one page of runs cannot cover every DAG (some DAG ran 100+ times
since another's last run): a shape the test Airflow's few runs cannot produce, so respx serves it."""

from __future__ import annotations

import json

import httpx
import pytest
import respx

from airdeck_adapters.airflow import AirflowClient, DeploymentConfig

BASE = "http://airflow.test:8080"
BATCH = f"{BASE}/api/v1/dags/~/dagRuns/list"


def run(dag_id: str, n: int) -> dict[str, object]:
    return {"dag_run_id": f"{dag_id}-{n}", "dag_id": dag_id, "state": "success"}


@pytest.fixture
def client() -> AirflowClient:
    return AirflowClient(
        DeploymentConfig(name="d", url=BASE, username="svc", password="pw", api_version="v1")
    )


@respx.mock
async def test_one_batched_call_covers_every_dag_of_the_page(client: AirflowClient) -> None:
    route = respx.post(BATCH).mock(
        return_value=httpx.Response(
            200,
            json={"dag_runs": [run("a", 3), run("b", 9), run("a", 2)], "total_entries": 3},
        )
    )
    latest = await client.latest_runs(["a", "b", "never_ran"])
    assert route.call_count == 1
    body = json.loads(route.calls[0].request.content)
    assert body == {
        "dag_ids": ["a", "b", "never_ran"],
        "order_by": "-execution_date",
        "page_limit": 100,
    }
    assert {k: v.run_id if v else None for k, v in latest.items()} == {
        "a": "a-3",
        "b": "b-9",
        "never_ran": None,
    }


@respx.mock
async def test_a_full_page_asks_again_only_for_the_dags_it_missed(client: AirflowClient) -> None:
    busy = {"dag_runs": [run("busy", n) for n in range(100, 0, -1)], "total_entries": 150}
    rest = {"dag_runs": [run("quiet", 1)], "total_entries": 1}
    route = respx.post(BATCH).mock(
        side_effect=[httpx.Response(200, json=busy), httpx.Response(200, json=rest)]
    )
    latest = await client.latest_runs(["busy", "quiet", "idle"])
    assert route.call_count == 2
    assert json.loads(route.calls[1].request.content)["dag_ids"] == ["quiet", "idle"]
    assert latest["busy"] is not None and latest["busy"].run_id == "busy-100"
    assert latest["quiet"] is not None and latest["quiet"].run_id == "quiet-1"
    assert latest["idle"] is None
