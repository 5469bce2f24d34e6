"""Recovery actions on tasks and whole runs against the real Airflow 3: mark a task skipped
(its downstream then goes on as its trigger rule says), mark a run success or failed, clear a
run (all, or only its failed tasks) after a dry run, set a run's note — each audited, each
behind its permission, each refusing bad input with a clear 4xx."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support import airflow_runs
from tests.support.people import Person, mint

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
P = "/api/orchestrator"
DAG = "etl_pipeline"
ETL_TASKS = {"extract", "validate", "choose_load", "load_full", "load_incremental", "publish"}


def path(*parts: str) -> str:
    return P + "".join("/" + quote(p, safe="") for p in parts)


@pytest.fixture
def as_role(api_env: dict[str, str], request: pytest.FixtureRequest) -> Any:
    """``as_role("viewer")``: the Authorization header of a person of this test's own with
    that role (scoped ones too: ``operator@tag=etl``)."""

    def headers(role: str) -> dict[str, str]:
        name = f"{request.node.name}~{role}"
        return mint(Path(api_env["AIRDECK_DATA_DIR"]), name, role).headers

    return headers


async def audit_rows(client: Client, **filters: str) -> list[dict[str, Any]]:
    response = await client.get(path("audit"), params={"limit": 200, **filters})
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries


def states(airflow: Any, run_id: str) -> dict[str, str | None]:
    return {t["task_id"]: t["state"] for t in airflow_runs.task_instances(airflow, DAG, run_id)}


def run_afresh(airflow: Any, run_id: str) -> None:
    """A finished run whose full load succeeded, as the branch decides: one an earlier session
    left changed is cleared whole (straight through Airflow) and run again."""
    airflow_runs.ensure_run(airflow, DAG, run_id, {})
    if states(airflow, run_id)["load_full"] != "success":
        body = {"dry_run": False, "dag_run_id": run_id, "only_failed": False}
        airflow_runs.client(airflow).post(
            f"/dags/{DAG}/clearTaskInstances", json={**body, "reset_dag_runs": True}
        ).raise_for_status()
        assert airflow_runs.wait_for_run(airflow, DAG, run_id) == "success"


async def test_skipping_a_task_lets_its_downstream_go_on_by_its_trigger_rule(
    client: Client, airflow: Any, person: Person
) -> None:
    run_id = "manual__recover+skip:00"
    await asyncio.to_thread(run_afresh, airflow, run_id)
    url = path("dags", DAG, "runs", run_id, "tasks", "load_full", "state")
    dry = await client.post(url, json={"state": "skipped", "dry_run": True})
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True
    assert [t["task_id"] for t in dry.json()["task_instances"]] == ["load_full"]
    assert states(airflow, run_id)["load_full"] == "success", "a dry run changes nothing"
    rows_before = len(await audit_rows(client, action="mark_task", user=person.subject))
    marked = await client.post(url, json={"state": "skipped"})
    assert marked.status_code == 200, marked.text
    assert marked.json()["dry_run"] is False
    assert states(airflow, run_id)["load_full"] == "skipped"
    rows = await audit_rows(client, action="mark_task", user=person.subject)
    assert len(rows) == rows_before + 1
    assert rows[0]["details"]["state"] == "skipped" and rows[0]["outcome"] == "success"
    # publish needs one upstream success (none_failed_min_one_success): with both loads skipped
    # it is skipped in turn when it runs again, and the run still succeeds.
    cleared = await client.post(
        path("dags", DAG, "runs", run_id, "tasks", "publish", "clear"), json={}
    )
    assert cleared.status_code == 200, cleared.text
    state = await asyncio.to_thread(airflow_runs.wait_for_run, airflow, DAG, run_id)
    assert state == "success"
    assert states(airflow, run_id)["publish"] == "skipped"


async def test_mark_a_whole_run_failed_then_success(
    client: Client, airflow: Any, person: Person
) -> None:
    run_id = "manual__recover+state:00"
    airflow_runs.ensure_run(airflow, DAG, run_id, {})
    url = path("dags", DAG, "runs", run_id, "state")
    for state in ("failed", "success"):
        response = await client.post(url, json={"state": state})
        assert response.status_code == 200, response.text
        assert response.json()["run"]["run_id"] == run_id
        assert response.json()["run"]["state"] == state
        assert airflow_runs.get_run(airflow, DAG, run_id)["state"] == state  # type: ignore[index]
        shown = (await client.get(path("dags", DAG, "runs", run_id))).json()["run"]
        assert shown["state"] == state, "the cached run was dropped"
    rows = await audit_rows(client, action="set_run_state", user=person.subject)
    assert [r["details"]["state"] for r in rows[:2]] == ["success", "failed"]
    assert all(r["run_id"] == run_id and r["outcome"] == "success" for r in rows[:2])
    wrong = await client.post(url, json={"state": "running"})
    assert wrong.status_code == 400
    missing = await client.post(
        path("dags", DAG, "runs", "manual__no+such:run", "state"), json={"state": "success"}
    )
    assert missing.status_code == 404, missing.text
    (row, *_) = await audit_rows(client, action="set_run_state", user=person.subject)
    assert (row["outcome"], row["status_code"]) == ("failure", 404)


async def test_set_and_remove_a_run_note(client: Client, airflow: Any, person: Person) -> None:
    run_id = "manual__recover+note:00"
    airflow_runs.ensure_run(airflow, DAG, run_id, {})
    url = path("dags", DAG, "runs", run_id, "note")
    response = await client.patch(url, json={"note": "re-run after the vendor fix"})
    assert response.status_code == 200, response.text
    assert response.json()["run"]["note"] == "re-run after the vendor fix"
    assert airflow_runs.get_run(airflow, DAG, run_id)["note"] == "re-run after the vendor fix"  # type: ignore[index]
    removed = await client.patch(url, json={"note": None})
    assert removed.status_code == 200 and removed.json()["run"]["note"] is None
    rows = await audit_rows(client, action="set_run_note", user=person.subject)
    assert [r["details"]["note"] for r in rows[:2]] == [None, "re-run after the vendor fix"]
    too_long = await client.patch(url, json={"note": "x" * 1001})
    assert too_long.status_code == 400
    missing = await client.patch(
        path("dags", DAG, "runs", "manual__no+such:run", "note"), json={"note": "x"}
    )
    assert missing.status_code == 404


async def test_clear_a_run_failed_tasks_only_or_all_after_a_dry_run(
    client: Client, airflow: Any, person: Person
) -> None:
    run_id = "manual__recover+clear:00"
    airflow_runs.ensure_run(airflow, DAG, run_id, {})
    url = path("dags", DAG, "runs", run_id, "clear")
    everything = await client.post(url, json={"dry_run": True})
    assert everything.status_code == 200, everything.text
    assert everything.json()["dry_run"] is True
    assert {t["task_id"] for t in everything.json()["task_instances"]} == ETL_TASKS
    failed = await client.post(
        path("dags", DAG, "runs", run_id, "tasks", "validate", "state"), json={"state": "failed"}
    )
    assert failed.status_code == 200, failed.text
    only_failed = await client.post(url, json={"only_failed": True, "dry_run": True})
    assert only_failed.status_code == 200
    assert [t["task_id"] for t in only_failed.json()["task_instances"]] == ["validate"]
    assert states(airflow, run_id)["validate"] == "failed", "a dry run changes nothing"
    tries = airflow_runs.task_instance(airflow, DAG, run_id, "validate")["try_number"]  # type: ignore[index]
    rows_before = len(await audit_rows(client, action="clear_run", user=person.subject))
    cleared = await client.post(url, json={"only_failed": True})
    assert cleared.status_code == 200, cleared.text
    assert [t["task_id"] for t in cleared.json()["task_instances"]] == ["validate"]
    state = await asyncio.to_thread(airflow_runs.wait_for_run, airflow, DAG, run_id)
    assert state == "success"
    after = airflow_runs.task_instance(airflow, DAG, run_id, "validate")
    assert after is not None and after["try_number"] > tries, "validate ran again"
    rows = await audit_rows(client, action="clear_run", user=person.subject)
    assert len(rows) == rows_before + 1
    assert rows[0]["details"]["only_failed"] is True
    assert rows[0]["details"]["cleared"] == ["validate[-1]"]


async def test_clearing_an_unknown_run_is_a_404(client: Client) -> None:
    response = await client.post(
        path("dags", DAG, "runs", "manual__no+such:run", "clear"), json={"dry_run": True}
    )
    assert response.status_code == 404, response.text
    unknown = await client.post(
        path("dags", DAG, "runs", "manual__no+such:run", "clear"), json={"all": True}
    )
    assert unknown.status_code == 400


async def test_who_may_recover(client: Client, as_role: Any, airflow: Any) -> None:
    """Marks and clears need tasks:clear (admins); a note, dags:trigger (operators too, within
    their grants); a viewer may do none of them."""
    run_id = "manual__recover+note:00"
    airflow_runs.ensure_run(airflow, DAG, run_id, {})
    run = ("dags", DAG, "runs", run_id)
    viewer, operator = as_role("viewer"), as_role("operator@tag=etl")
    for headers in (viewer, operator):
        state = await client.post(path(*run, "state"), json={"state": "success"}, headers=headers)
        assert state.status_code == 403 and "tasks:clear" in state.json()["detail"]
        clear = await client.post(path(*run, "clear"), json={"dry_run": True}, headers=headers)
        assert clear.status_code == 403
        skip = await client.post(
            path(*run, "tasks", "load_full", "state"),
            json={"state": "skipped", "dry_run": True},
            headers=headers,
        )
        assert skip.status_code == 403
    note = await client.patch(path(*run, "note"), json={"note": "by ops"}, headers=viewer)
    assert note.status_code == 403 and "dags:trigger" in note.json()["detail"]
    noted = await client.patch(path(*run, "note"), json={"note": "by ops"}, headers=operator)
    assert noted.status_code == 200, noted.text
    elsewhere = await client.patch(
        path("dags", "parametrized_report", "runs", run_id, "note"),
        json={"note": "x"},
        headers=operator,
    )
    assert elsewhere.status_code == 404, "a DAG outside the grant answers like a missing one"
    refused = await audit_rows(client, action="set_run_state", outcome="refused")
    assert refused and refused[0]["status_code"] == 403
