"""Every action route against a real Airflow 2.11 (``/api/v1``): the effect shows in Airflow 2
and the audit log names the deployment."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.airflow2.conftest import DEPLOYMENT, Airflow2Login
from tests.support import airflow_runs

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
ON = {"deployment": DEPLOYMENT}


def path(*parts: str) -> str:
    return "/api/orchestrator" + "".join("/" + quote(p, safe="") for p in parts)


async def latest_audit_row(client: Client, **filters: str) -> dict[str, Any]:
    response = await client.get(path("audit"), params={"limit": 1, **filters})
    assert response.status_code == 200, response.text
    (row,) = response.json()["entries"]
    assert row["deployment"] == DEPLOYMENT
    return dict(row)


def task_state(airflow2: Airflow2Login, dag_id: str, run_id: str, task_id: str, index: int) -> Any:
    instance = airflow_runs.task_instance(airflow2, dag_id, run_id, task_id, index)
    assert instance is not None
    return instance["state"]


async def test_pause_and_unpause_show_in_airflow_2(client: Client, airflow2: Airflow2Login) -> None:
    for paused in (True, False):
        response = await client.patch(
            path("dags", "grouped_pipeline", "pause"), params=ON, json={"is_paused": paused}
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"dag_id": "grouped_pipeline", "is_paused": paused}
        dag = airflow_runs.client(airflow2).get("/dags/grouped_pipeline").json()
        assert dag["is_paused"] is paused
    row = await latest_audit_row(client, dag_id="grouped_pipeline", action="unpause_dag")
    assert row["outcome"] == "success"


async def test_trigger_runs_to_success_and_is_found_by_conf(
    client: Client, airflow2: Airflow2Login
) -> None:
    airflow_runs.unpause(airflow2, "parametrized_report")  # a paused DAG's runs stay queued
    bad = await client.post(
        path("dags", "parametrized_report", "runs"), params=ON, json={"conf": {"days": 99}}
    )
    assert bad.status_code == 400 and "conf.days" in bad.json()["errors"]
    response = await client.post(
        path("dags", "parametrized_report", "runs"),
        params=ON,
        json={"conf": {"region": "apac", "days": 3}, "note": "from the Airflow 2 suite"},
    )
    assert response.status_code == 201, response.text
    run_id = response.json()["run_id"]
    state = await asyncio.to_thread(
        airflow_runs.wait_for_run, airflow2, "parametrized_report", run_id
    )
    assert state == "success"
    run = (await client.get(path("dags", "parametrized_report", "runs", run_id), params=ON)).json()[
        "run"
    ]
    assert run["conf"] == {"region": "apac", "days": 3}
    assert run["note"] == "from the Airflow 2 suite"
    found = (
        await client.get(
            path("dags", "parametrized_report", "runs"), params={**ON, "conf.region": "apac"}
        )
    ).json()
    assert run_id in [r["run_id"] for r in found["runs"]]
    row = await latest_audit_row(client, dag_id="parametrized_report", action="trigger_run")
    assert (row["run_id"], row["outcome"]) == (run_id, "success")


async def test_clear_dry_run_then_clear_runs_the_task_again(
    client: Client, airflow2: Airflow2Login, actions_run: str
) -> None:
    url = path("dags", "flaky_retry", "runs", actions_run, "tasks", "flaky", "clear")
    dry = await client.post(url, params=ON, json={"include_downstream": True, "dry_run": True})
    assert dry.status_code == 200, dry.text
    assert {t["task_id"] for t in dry.json()["task_instances"]} == {"flaky", "done"}
    tries_before = airflow_runs.task_instance(airflow2, "flaky_retry", actions_run, "done")
    assert tries_before is not None
    done_url = path("dags", "flaky_retry", "runs", actions_run, "tasks", "done", "clear")
    cleared = await client.post(done_url, params=ON, json={})
    assert cleared.status_code == 200, cleared.text
    assert [t["task_id"] for t in cleared.json()["task_instances"]] == ["done"]
    state = await asyncio.to_thread(airflow_runs.wait_for_run, airflow2, "flaky_retry", actions_run)
    assert state == "success"
    done = airflow_runs.task_instance(airflow2, "flaky_retry", actions_run, "done")
    assert done is not None and done["try_number"] > tries_before["try_number"]
    row = await latest_audit_row(client, dag_id="flaky_retry", action="clear_task")
    assert row["outcome"] == "success"


async def test_single_mapped_instances_cannot_be_cleared_on_airflow_2(
    client: Client, mapped_run: str
) -> None:
    url = path("dags", "mapped_fanout", "runs", mapped_run, "tasks", "process", "clear")
    response = await client.post(url, params=ON, json={"map_indexes": [7]})
    assert response.status_code == 400
    assert "map_indexes" in response.json()["errors"]


async def test_mark_a_mapped_instance_and_back(
    client: Client, airflow2: Airflow2Login, mapped_run: str
) -> None:
    url = path("dags", "mapped_fanout", "runs", mapped_run, "tasks", "process", "state")
    for state in ("success", "failed"):
        response = await client.post(url, params=ON, json={"state": state, "map_index": 7})
        assert response.status_code == 200, response.text
        (marked,) = response.json()["task_instances"]
        assert (marked["task_id"], marked["map_index"], marked["state"]) == ("process", 7, state)
        assert task_state(airflow2, "mapped_fanout", mapped_run, "process", 7) == state
    row = await latest_audit_row(client, dag_id="mapped_fanout", action="mark_task")
    assert row["details"]["state"] == "failed" and row["outcome"] == "success"


async def test_mark_with_downstream_and_back(
    client: Client, airflow2: Airflow2Login, actions_run: str
) -> None:
    await asyncio.to_thread(airflow_runs.wait_for_run, airflow2, "flaky_retry", actions_run)
    url = path("dags", "flaky_retry", "runs", actions_run, "tasks", "done", "state")
    for state in ("failed", "success"):
        response = await client.post(
            url, params=ON, json={"state": state, "include_downstream": True}
        )
        assert response.status_code == 200, response.text
        marked = response.json()["task_instances"]
        assert [(t["task_id"], t["state"]) for t in marked] == [("done", state)]
        assert task_state(airflow2, "flaky_retry", actions_run, "done", -1) == state


async def test_one_mapped_instance_with_its_downstream_is_400(
    client: Client, mapped_run: str
) -> None:
    url = path("dags", "mapped_fanout", "runs", mapped_run, "tasks", "process", "state")
    response = await client.post(
        url, params=ON, json={"state": "success", "map_index": 3, "include_downstream": True}
    )
    assert response.status_code == 400
    assert "map_index" in response.json()["errors"]
