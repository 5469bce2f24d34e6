"""Backfills against the real Airflow 3, on the daily example DAG: a dry run lists the runs
first, a 3-day backfill creates and runs 3 runs, another is paused, unpaused and cancelled;
each change audited, each bad input refused before Airflow sees it, every route behind its
permission (``dags:backfill`` for operators and admins, scoped by grants)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support import airflow_runs
from tests.support.backfills import end_active_backfills
from tests.support.people import Person, mint

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
P = "/api/orchestrator"
DAG = "etl_pipeline"
THREE_DAYS = {"from_date": "2025-02-01T00:00:00Z", "to_date": "2025-02-03T00:00:00Z"}
"""Three daily runs; ``completed`` reprocessing makes every session run them again, so the dry
run lists the same three whatever an earlier session left."""
TO_CANCEL = {"from_date": "2025-03-01T00:00:00Z", "to_date": "2025-03-05T00:00:00Z"}


def path(*parts: str) -> str:
    return P + "".join("/" + quote(p, safe="") for p in parts)


@pytest.fixture(scope="module", autouse=True)
def no_backfill_running(airflow: Any) -> None:
    """The DAG unpaused (backfill runs of a paused DAG wait) and no backfill of an interrupted
    earlier session still going: Airflow runs one backfill per DAG at a time."""
    end_active_backfills(airflow, DAG)


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


def wait_until_completed(airflow: Any, backfill_id: int, timeout: float = 300) -> dict[str, Any]:
    """Poll Airflow until the backfill is completed; TimeoutError otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        backfill: dict[str, Any] = (
            airflow_runs.client(airflow).get(f"/backfills/{backfill_id}").json()
        )
        if backfill["completed_at"] is not None:
            return backfill
        time.sleep(1)
    raise TimeoutError(f"backfill {backfill_id} not completed after {timeout}s")


def backfill_runs(airflow: Any, start: str, end: str) -> list[dict[str, Any]]:
    page = airflow_runs.client(airflow).get(
        f"/dags/{DAG}/dagRuns",
        params={"logical_date_gte": start, "logical_date_lte": end, "run_type": "backfill"},
    )
    page.raise_for_status()
    runs: list[dict[str, Any]] = page.json()["dag_runs"]
    return runs


async def test_a_three_day_backfill_lists_its_runs_first_then_runs_them(
    client: Client, airflow: Any, person: Person
) -> None:
    body = {**THREE_DAYS, "reprocess_behavior": "completed", "max_active_runs": 3}
    dry = await client.post(path("dags", DAG, "backfills", "dry-run"), json=body)
    assert dry.status_code == 200, dry.text
    plan = dry.json()
    assert plan["dag_id"] == DAG and plan["total"] == 3
    assert [r["logical_date"] for r in plan["runs"]] == [
        "2025-02-01T00:00:00Z",
        "2025-02-02T00:00:00Z",
        "2025-02-03T00:00:00Z",
    ]
    created = await client.post(path("dags", DAG, "backfills"), json=body)
    assert created.status_code == 201, created.text
    backfill = created.json()
    assert backfill["dag_id"] == DAG and backfill["max_active_runs"] == 3
    assert backfill["reprocess_behavior"] == "completed" and backfill["completed_at"] is None
    assert backfill["from_date"] == THREE_DAYS["from_date"]
    done = wait_until_completed(airflow, backfill["id"])
    runs = backfill_runs(airflow, THREE_DAYS["from_date"], THREE_DAYS["to_date"])
    assert sorted(r["logical_date"] for r in runs) == [r["logical_date"] for r in plan["runs"]]
    assert all(r["state"] == "success" for r in runs), runs
    shown = await client.get(path("dags", DAG, "backfills", str(backfill["id"])))
    assert shown.status_code == 200
    assert shown.json()["completed_at"] is not None and done["completed_at"] is not None
    finished = {"states": {"success": 3}, "total": 3, "done": 3}
    assert shown.json()["progress"] == finished
    newest = await client.get(
        path("dags", DAG, "backfills"), params={"newest_first": "true", "limit": 1}
    )
    assert newest.status_code == 200, newest.text
    assert [(b["id"], b["progress"]) for b in newest.json()["backfills"]] == [
        (backfill["id"], finished)
    ]
    (row, *_) = await audit_rows(client, action="create_backfill", user=person.subject)
    assert row["outcome"] == "success" and row["details"]["backfill_id"] == backfill["id"]
    assert row["details"]["from_date"] == "2025-02-01T00:00:00+00:00"


async def test_pause_unpause_and_cancel_a_backfill(
    client: Client, airflow: Any, person: Person
) -> None:
    body = {**TO_CANCEL, "reprocess_behavior": "completed", "max_active_runs": 1}
    created = await client.post(path("dags", DAG, "backfills"), json=body)
    assert created.status_code == 201, created.text
    backfill_id = created.json()["id"]
    one = path("dags", DAG, "backfills", str(backfill_id))
    try:
        paused = await client.patch(f"{one}/pause", json={"is_paused": True})
        assert paused.status_code == 200, paused.text
        assert paused.json()["is_paused"] is True
        theirs = airflow_runs.client(airflow).get(f"/backfills/{backfill_id}").json()
        assert theirs["is_paused"] is True
        progress = (await client.get(one)).json()["progress"]
        assert progress["total"] == 5, "Airflow creates a backfill's runs when it starts"
        assert sum(progress["states"].values()) == 5 and progress["done"] <= 5
        listed = (await client.get(path("dags", DAG, "backfills"), params={"limit": 100})).json()
        assert backfill_id in [b["id"] for b in listed["backfills"]]
        assert listed["total"] >= 1 and listed["page"] == 1
        other_dag = path("dags", "flaky_retry", "backfills", str(backfill_id))
        assert (await client.get(other_dag)).status_code == 404, "reached through its DAG only"
        hijack = await client.patch(f"{other_dag}/pause", json={"is_paused": False})
        assert hijack.status_code == 404
        unpaused = await client.patch(f"{one}/pause", json={"is_paused": False})
        assert unpaused.status_code == 200 and unpaused.json()["is_paused"] is False
        again = await client.post(path("dags", DAG, "backfills"), json=body)
        assert again.status_code == 409, "one backfill of a DAG at a time"
    finally:
        cancelled = await client.post(f"{one}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["completed_at"] is not None
    late = await client.patch(f"{one}/pause", json={"is_paused": True})
    assert late.status_code == 409, late.text
    actions = [
        (r["action"], r["outcome"])
        for r in await audit_rows(client, user=person.subject, dag_id=DAG)
    ]
    assert actions[:6] == [
        ("pause_backfill", "failure"),
        ("cancel_backfill", "success"),
        ("create_backfill", "failure"),
        ("unpause_backfill", "success"),
        ("pause_backfill", "success"),
        ("create_backfill", "success"),
    ]


async def test_bad_ranges_and_confs_never_reach_airflow(
    client: Client, airflow: Any, person: Person
) -> None:
    before = airflow_runs.client(airflow).get("/backfills", params={"dag_id": DAG}).json()
    backwards = await client.post(
        path("dags", DAG, "backfills"),
        json={"from_date": "2025-02-03T00:00:00Z", "to_date": "2025-02-01T00:00:00Z"},
    )
    assert backwards.status_code == 400
    assert backwards.json()["errors"] == {"to_date": "is before from_date"}
    naive = await client.post(
        path("dags", DAG, "backfills", "dry-run"),
        json={"from_date": "2025-02-01T00:00:00", "to_date": "2025-02-03T00:00:00"},
    )
    assert naive.status_code == 400 and set(naive.json()["errors"]) == {"from_date", "to_date"}
    garbage = await client.post(
        path("dags", DAG, "backfills"), json={"from_date": "yesterday", "to_date": "today"}
    )
    assert garbage.status_code == 400
    behaviour = await client.post(
        path("dags", DAG, "backfills", "dry-run"), json={**THREE_DAYS, "reprocess_behavior": "x"}
    )
    assert behaviour.status_code == 400
    conf = await client.post(
        path("dags", "parametrized_report", "backfills"),
        json={**THREE_DAYS, "conf": {"region": "mars", "days": 99}},
    )
    assert conf.status_code == 400
    assert set(conf.json()["errors"]) == {"conf.region", "conf.days"}
    after = airflow_runs.client(airflow).get("/backfills", params={"dag_id": DAG}).json()
    assert after["total_entries"] == before["total_entries"]
    (row, *_) = await audit_rows(
        client, action="create_backfill", user=person.subject, dag_id="parametrized_report"
    )
    assert (row["outcome"], row["status_code"]) == ("failure", 400)
    assert "conf.region" in row["details"]["errors"]
    # Airflow's own refusal: a DAG without a schedule has no dates to backfill.
    manual = await client.post(path("dags", "flaky_retry", "backfills", "dry-run"), json=THREE_DAYS)
    assert manual.status_code == 400 and "schedule" in manual.json()["detail"]


async def test_unknown_backfills_are_404s(client: Client) -> None:
    assert (await client.get(path("dags", DAG, "backfills", "999999"))).status_code == 404
    cancel = await client.post(path("dags", DAG, "backfills", "999999", "cancel"))
    assert cancel.status_code == 404
    assert (await client.get(path("dags", DAG, "backfills", "x"))).status_code == 404


async def test_who_may_backfill(client: Client, as_role: Any) -> None:
    viewer, scoped, operator = (
        as_role("viewer"),
        as_role("operator@tag=etl"),
        as_role("operator"),
    )
    dry = path("dags", DAG, "backfills", "dry-run")
    refused = await client.post(dry, json=THREE_DAYS, headers=viewer)
    assert refused.status_code == 403 and "dags:backfill" in refused.json()["detail"]
    create = await client.post(path("dags", DAG, "backfills"), json=THREE_DAYS, headers=viewer)
    assert create.status_code == 403
    assert (await client.get(path("dags", DAG, "backfills"), headers=viewer)).status_code == 200
    for allowed in (scoped, operator):
        planned = await client.post(dry, json=THREE_DAYS, headers=allowed)
        assert planned.status_code == 200, planned.text
    outside = await client.post(
        path("dags", "parametrized_report", "backfills", "dry-run"), json=THREE_DAYS, headers=scoped
    )
    assert outside.status_code == 404
    rows = await audit_rows(client, action="create_backfill", outcome="refused")
    assert rows and rows[0]["status_code"] in (403, 404)
