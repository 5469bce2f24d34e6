"""The recovery actions against a real Airflow 2.11 (``/api/v1``): a task marked skipped (after
a dry run), a whole run marked failed and success, a run's note, a run cleared after a dry run;
and backfills, DAG versions and connectors, which Airflow 2 does not have, refused with a clear
400."""

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
DAG = "etl_pipeline"
RUN = "manual__recover+v1:00"


def path(*parts: str) -> str:
    return "/api/orchestrator" + "".join("/" + quote(p, safe="") for p in parts)


def states(airflow2: Airflow2Login, run_id: str) -> dict[str, Any]:
    return {t["task_id"]: t["state"] for t in airflow_runs.task_instances(airflow2, DAG, run_id)}


async def latest_audit_row(client: Client, **filters: str) -> dict[str, Any]:
    response = await client.get(path("audit"), params={"limit": 1, **filters})
    assert response.status_code == 200, response.text
    (row,) = response.json()["entries"]
    assert row["deployment"] == DEPLOYMENT
    return dict(row)


@pytest.fixture
def finished_run(airflow2: Airflow2Login) -> str:
    """A finished run whose full load succeeded, as the branch decides: one an earlier test or
    session left changed is cleared whole (straight through Airflow 2) and run again."""
    airflow_runs.ensure_run(airflow2, DAG, RUN, {})
    if states(airflow2, RUN)["load_full"] != "success":
        body = {"dry_run": False, "dag_run_id": RUN, "only_failed": False}
        airflow_runs.client(airflow2).post(
            f"/dags/{DAG}/clearTaskInstances", json={**body, "reset_dag_runs": True}
        ).raise_for_status()
        assert airflow_runs.wait_for_run(airflow2, DAG, RUN) == "success"
    return RUN


async def test_skip_a_task_after_a_dry_run(
    client: Client, airflow2: Airflow2Login, finished_run: str
) -> None:
    task = path("dags", DAG, "runs", finished_run, "tasks", "load_full", "state")
    dry = await client.post(task, params=ON, json={"state": "skipped", "dry_run": True})
    assert dry.status_code == 200, dry.text
    assert [t["task_id"] for t in dry.json()["task_instances"]] == ["load_full"]
    assert states(airflow2, finished_run)["load_full"] == "success", "a dry run changes nothing"
    along = await client.post(
        task, params=ON, json={"state": "skipped", "dry_run": True, "include_downstream": True}
    )
    assert along.status_code == 200, along.text
    assert {t["task_id"] for t in along.json()["task_instances"]} == {"load_full", "publish"}
    marked = await client.post(task, params=ON, json={"state": "skipped"})
    assert marked.status_code == 200, marked.text
    assert states(airflow2, finished_run)["load_full"] == "skipped"
    row = await latest_audit_row(client, action="mark_task", dag_id=DAG)
    assert row["details"]["state"] == "skipped" and row["outcome"] == "success"


async def test_mark_a_run_and_note_it(
    client: Client, airflow2: Airflow2Login, finished_run: str
) -> None:
    run = ("dags", DAG, "runs", finished_run)
    for state in ("failed", "success"):
        response = await client.post(path(*run, "state"), params=ON, json={"state": state})
        assert response.status_code == 200, response.text
        assert response.json()["run"]["state"] == state
        assert airflow_runs.get_run(airflow2, DAG, finished_run)["state"] == state  # type: ignore[index]
    noted = await client.patch(path(*run, "note"), params=ON, json={"note": "checked by ops"})
    assert noted.status_code == 200, noted.text
    assert noted.json()["run"]["note"] == "checked by ops"
    assert airflow_runs.get_run(airflow2, DAG, finished_run)["note"] == "checked by ops"  # type: ignore[index]
    removed = await client.patch(path(*run, "note"), params=ON, json={"note": None})
    assert removed.status_code == 200, removed.text
    assert removed.json()["run"]["note"] is None
    assert not airflow_runs.get_run(airflow2, DAG, finished_run)["note"]  # type: ignore[index]
    row = await latest_audit_row(client, action="set_run_note", dag_id=DAG)
    assert row["outcome"] == "success" and row["details"]["note"] is None
    shown = (await client.get(path(*run), params=ON)).json()["run"]
    assert shown["dag_versions"] == [] and shown["bundle_version"] is None


async def test_clear_a_runs_failed_tasks_after_a_dry_run(
    client: Client, airflow2: Airflow2Login, finished_run: str
) -> None:
    run = ("dags", DAG, "runs", finished_run)
    everything = await client.post(path(*run, "clear"), params=ON, json={"dry_run": True})
    assert everything.status_code == 200, everything.text
    assert {t["task_id"] for t in everything.json()["task_instances"]} == set(
        states(airflow2, finished_run)
    )
    failed = await client.post(
        path(*run, "tasks", "validate", "state"), params=ON, json={"state": "failed"}
    )
    assert failed.status_code == 200, failed.text
    only = await client.post(
        path(*run, "clear"), params=ON, json={"only_failed": True, "dry_run": True}
    )
    assert [t["task_id"] for t in only.json()["task_instances"]] == ["validate"]
    cleared = await client.post(path(*run, "clear"), params=ON, json={"only_failed": True})
    assert cleared.status_code == 200, cleared.text
    assert [t["task_id"] for t in cleared.json()["task_instances"]] == ["validate"]
    state = await asyncio.to_thread(airflow_runs.wait_for_run, airflow2, DAG, finished_run)
    assert state == "success"
    row = await latest_audit_row(client, action="clear_run", dag_id=DAG)
    assert row["outcome"] == "success" and row["details"]["cleared"] == ["validate[-1]"]


async def test_backfills_and_versions_are_refused_naming_airflow_2(client: Client) -> None:
    days = {"from_date": "2025-02-01T00:00:00Z", "to_date": "2025-02-03T00:00:00Z"}
    answers = [
        await client.get(path("dags", DAG, "backfills"), params=ON),
        await client.post(path("dags", DAG, "backfills", "dry-run"), params=ON, json=days),
        await client.post(path("dags", DAG, "backfills"), params=ON, json=days),
        await client.get(path("dags", DAG, "versions"), params=ON),
        await client.get(path("dags", DAG, "versions", "1", "source"), params=ON),
        await client.get(path("dags", DAG, "versions", "diff"), params={**ON, "from": 1, "to": 1}),
    ]
    for response in answers:
        assert response.status_code == 400, response.text
        problem = response.json()
        assert problem["deployment"] == DEPLOYMENT and "Airflow 2" in problem["detail"]
        assert set(problem["errors"]) == {"deployment"}
    assert "airflow dags backfill" in answers[1].json()["detail"]
    row = await latest_audit_row(client, action="create_backfill", dag_id=DAG)
    assert (row["outcome"], row["status_code"]) == ("failure", 400)


async def test_connectors_are_refused_naming_airflow_2(client: Client) -> None:
    body = {
        "name": "People on Airflow 2",
        "source": {"url": "https://api.example.com/people"},
        "mapping": [{"path": "data[*].id", "column": "id", "type": "int"}],
        "destination": {"table": "people_v1"},
        "schedule": {"cron": "0 6 * * *"},
    }
    answers = [
        await client.post(path("connectors"), params=ON, json=body),
        await client.post(path("connectors", "preview"), params=ON, json=body),
    ]
    for response in answers:
        assert response.status_code == 400, response.text
        problem = response.json()
        assert "Airflow 2" in problem["detail"] and "Airflow 3 deployment" in problem["detail"]
        assert set(problem["errors"]) == {"deployment"}
    row = await latest_audit_row(client, action="create_connector")
    assert (row["outcome"], row["status_code"]) == ("failure", 400)
    listed = await client.get(path("connectors"), params=ON)
    assert all(c["name"] != body["name"] for c in listed.json()["connectors"])
