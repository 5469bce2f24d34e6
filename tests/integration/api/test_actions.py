"""Every action route against the real Airflow 3, on SQLite and on the real PostgreSQL:
the effect is visible in Airflow and each action leaves exactly one correct audit row."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from airdeck_adapters.db import migrate
from tests.support import airflow_runs
from tests.support.databases import KINDS, temporary_database

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
P = "/api/orchestrator"


def path(*parts: str) -> str:
    return P + "".join("/" + quote(p, safe="") for p in parts)


@pytest.fixture(scope="module", params=KINDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with temporary_database(request.param, tmp_path_factory.mktemp("db")) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture(scope="module")
async def client(make_app: Callable[..., Litestar], database_url: str) -> AsyncIterator[Client]:
    app = make_app(AIRDECK_DATABASE_URL=database_url)
    async with AsyncTestClient(app=app, timeout=60) as test_client:
        yield test_client


async def audit_rows(client: Client, **filters: str) -> list[dict[str, Any]]:
    response = await client.get(path("audit"), params={"limit": 200, **filters})
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries


async def test_pause_and_unpause_are_visible_in_airflow(client: Client, airflow: Any) -> None:
    before = len(await audit_rows(client, dag_id="grouped_pipeline"))
    for paused in (True, False):
        response = await client.patch(
            path("dags", "grouped_pipeline", "pause"), json={"is_paused": paused}
        )
        assert response.status_code == 200, response.text
        assert response.json() == {"dag_id": "grouped_pipeline", "is_paused": paused}
        dag = airflow_runs.client(airflow).get("/dags/grouped_pipeline").json()
        assert dag["is_paused"] is paused
    rows = await audit_rows(client, dag_id="grouped_pipeline")
    assert len(rows) == before + 2
    assert [r["action"] for r in rows[:2]] == ["unpause_dag", "pause_dag"]
    assert all(r["outcome"] == "success" and r["user"] == "dev-admin" for r in rows[:2])


async def test_invalid_conf_never_reaches_airflow(client: Client, airflow: Any) -> None:
    api = airflow_runs.client(airflow)
    runs_before = api.get("/dags/parametrized_report/dagRuns", params={"limit": 1}).json()[
        "total_entries"
    ]
    response = await client.post(
        path("dags", "parametrized_report", "runs"),
        json={"conf": {"region": "mars", "days": 99}, "note": "bad"},
    )
    assert response.status_code == 400
    problem = response.json()
    assert set(problem["errors"]) == {"conf.region", "conf.days"}
    assert "31" in problem["errors"]["conf.days"]
    runs_after = api.get("/dags/parametrized_report/dagRuns", params={"limit": 1}).json()[
        "total_entries"
    ]
    assert runs_after == runs_before
    (row, *_) = await audit_rows(client, dag_id="parametrized_report", action="trigger_run")
    assert (row["outcome"], row["status_code"]) == ("failure", 400)
    assert "region" in row["reason"] and row["run_id"] is None


async def test_trigger_runs_to_success_and_is_found_by_conf(client: Client, airflow: Any) -> None:
    response = await client.post(
        path("dags", "parametrized_report", "runs"),
        json={"conf": {"region": "apac", "days": 3}, "note": "from the test"},
    )
    assert response.status_code == 201, response.text
    run_id = response.json()["run_id"]
    assert "+" in run_id
    state = await asyncio.to_thread(
        airflow_runs.wait_for_run, airflow, "parametrized_report", run_id
    )
    assert state == "success"
    run = (await client.get(path("dags", "parametrized_report", "runs", run_id))).json()["run"]
    assert run["conf"] == {"region": "apac", "days": 3} and run["note"] == "from the test"
    found = (
        await client.get(
            path("dags", "parametrized_report", "runs"),
            params={"conf.region": "apac", "conf.days": "3"},
        )
    ).json()
    assert run_id in [r["run_id"] for r in found["runs"]]
    none = (
        await client.get(
            path("dags", "parametrized_report", "runs"), params={"conf.region": "nowhere"}
        )
    ).json()
    assert none == {"runs": [], "total": 0, "page": 1, "limit": 20}
    (row, *_) = await audit_rows(
        client, dag_id="parametrized_report", action="trigger_run", outcome="success"
    )
    assert row["run_id"] == run_id and row["details"]["conf"] == {"region": "apac", "days": 3}


async def test_saved_configs_and_trigger_from_one(client: Client, airflow: Any) -> None:
    url = path("dags", "parametrized_report", "configs")
    bad = await client.post(url, json={"name": "bad", "conf": {"days": 0}})
    assert bad.status_code == 400 and "conf.days" in bad.json()["errors"]
    created = await client.post(
        url, json={"name": "weekly-us", "conf": {"region": "us", "days": 7}, "shared": True}
    )
    assert created.status_code == 201, created.text
    config = created.json()
    clash = await client.post(url, json={"name": "weekly-us", "conf": {}})
    assert clash.status_code == 409
    assert [c["name"] for c in (await client.get(url)).json()["configs"]] == ["weekly-us"]
    renamed = await client.patch(f"{url}/{config['id']}", json={"name": "weekly-us-2"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "weekly-us-2"
    triggered = await client.post(
        path("dags", "parametrized_report", "runs"),
        json={"config_id": config["id"], "conf": {"days": 5}},
    )
    assert triggered.status_code == 201, triggered.text
    run = (
        await client.get(path("dags", "parametrized_report", "runs", triggered.json()["run_id"]))
    ).json()["run"]
    assert run["conf"] == {"region": "us", "days": 5}
    assert (await client.delete(f"{url}/{config['id']}")).status_code == 204
    assert (await client.delete(f"{url}/{config['id']}")).status_code == 404
    actions = [r["action"] for r in await audit_rows(client, dag_id="parametrized_report")][:4]
    assert actions == ["delete_config", "trigger_run", "save_config", "save_config"]


async def test_unknown_fields_are_refused(client: Client) -> None:
    response = await client.post(
        path("dags", "parametrized_report", "runs"), json={"conf": {}, "confx": 1}
    )
    assert response.status_code == 400
    assert "confx" in response.text


async def test_clear_dry_run_then_clear_is_visible_in_airflow(client: Client, airflow: Any) -> None:
    run_id = "manual__clear+test:00"
    airflow_runs.ensure_run(airflow, "etl_pipeline", run_id, {})
    url = path("dags", "etl_pipeline", "runs", run_id, "tasks", "validate", "clear")
    dry = await client.post(url, json={"include_downstream": True, "dry_run": True})
    assert dry.status_code == 200, dry.text
    listed = {t["task_id"] for t in dry.json()["task_instances"]}
    assert {"validate", "choose_load", "load_full", "publish"} <= listed
    rows_before = len(await audit_rows(client, action="clear_task"))
    cleared = await client.post(url, json={"include_downstream": False})
    assert cleared.status_code == 200
    assert [t["task_id"] for t in cleared.json()["task_instances"]] == ["validate"]
    state = await asyncio.to_thread(airflow_runs.wait_for_run, airflow, "etl_pipeline", run_id)
    assert state == "success"
    tries = airflow_runs.task_instance(airflow, "etl_pipeline", run_id, "validate")["try_number"]
    assert tries >= 2, "validate ran again"
    rows = await audit_rows(client, action="clear_task")
    assert len(rows) == rows_before + 1 and rows[0]["outcome"] == "success"


async def test_mark_a_failed_mapped_instance_success(client: Client, airflow: Any) -> None:
    run_id = "manual__mapped+airdeck:120"
    airflow_runs.ensure_run(airflow, "mapped_fanout", run_id, {})
    url = path("dags", "mapped_fanout", "runs", run_id, "tasks", "process", "state")
    response = await client.post(url, json={"state": "success", "map_index": 32})
    assert response.status_code == 200, response.text
    instance = airflow_runs.task_instance(airflow, "mapped_fanout", run_id, "process", 32)
    assert instance["state"] == "success"
    back = await client.post(url, json={"state": "failed", "map_index": 32})
    assert back.status_code == 200
    assert (
        airflow_runs.task_instance(airflow, "mapped_fanout", run_id, "process", 32)["state"]
        == "failed"
    )
    rows = await audit_rows(client, action="mark_task")
    assert rows[0]["details"]["state"] == "failed" and rows[1]["details"]["state"] == "success"
    wrong = await client.post(url, json={"state": "running"})
    assert wrong.status_code == 400


async def test_favorites_and_metadata_merge_into_lists(client: Client) -> None:
    assert (await client.post(path("dags", "flaky_retry", "favorite"))).json() == {
        "is_favorite": True
    }
    meta = await client.patch(
        path("dags", "flaky_retry", "metadata"),
        json={
            "environment": "prod",
            "owner_team": "finance",
            "custom_tags": ["gold", "gold", "pii"],
        },
    )
    assert meta.status_code == 200, meta.text
    assert meta.json()["custom_tags"] == ["gold", "pii"]
    favs = (await client.get(path("dags"), params={"favorites": "true"})).json()
    assert [d["dag_id"] for d in favs["dags"]] == ["flaky_retry"] and favs["total"] == 1
    prod = (await client.get(path("dags"), params={"environment": "prod"})).json()
    assert [d["dag_id"] for d in prod["dags"]] == ["flaky_retry"]
    by_custom = (await client.get(path("dags"), params={"tags": "gold"})).json()
    assert [d["dag_id"] for d in by_custom["dags"]] == ["flaky_retry"]
    by_airflow_tag = {
        d["dag_id"] for d in (await client.get(path("dags"), params={"tags": "etl"})).json()["dags"]
    }
    assert "etl_pipeline" in by_airflow_tag and "flaky_retry" not in by_airflow_tag
    detail = (await client.get(path("dags", "flaky_retry"))).json()["dag"]
    assert (detail["environment"], detail["owner_team"], detail["is_favorite"]) == (
        "prod",
        "finance",
        True,
    )
    assert (await client.delete(path("dags", "flaky_retry", "favorite"))).json() == {
        "is_favorite": False
    }
    assert (await client.get(path("dags"), params={"favorites": "true"})).json()["total"] == 0
    actions = [r["action"] for r in await audit_rows(client, dag_id="flaky_retry")][:3]
    assert actions == ["unfavorite", "update_metadata", "favorite"]
    missing = await client.post(path("dags", "no_such_dag", "favorite"))
    assert missing.status_code == 404


async def test_view_logs_is_audited_once_per_opening(client: Client, airflow: Any) -> None:
    run_id = "manual__mapped+airdeck:120"
    airflow_runs.ensure_run(airflow, "mapped_fanout", run_id, {})
    url = path("dags", "mapped_fanout", "runs", run_id, "tasks", "summarize", "logs")
    before = len(await audit_rows(client, action="view_logs"))
    first = (await client.get(url)).json()
    await client.get(url, params={"cursor": first["cursor"]})
    rows = await audit_rows(client, action="view_logs")
    assert len(rows) == before + 1
    assert rows[0]["run_id"] == run_id and rows[0]["details"]["task_id"] == "summarize"


async def test_actions_when_airflow_is_down_are_audited_as_failures(
    make_app: Callable[..., Litestar], database_url: str, tmp_path: Path
) -> None:
    app = make_app(
        AIRDECK_DATABASE_URL=database_url,
        AIRDECK_AIRFLOW_URL="http://127.0.0.1:9",
        AIRDECK_AIRFLOW_TIMEOUT="2",
    )
    async with AsyncTestClient(app=app, timeout=30) as down:
        response = await down.patch(path("dags", "etl_pipeline", "pause"), json={"is_paused": True})
        assert response.status_code == 503
        rows = await audit_rows(down, action="pause_dag")
    assert rows[0]["outcome"] == "failure" and rows[0]["status_code"] == 503
    assert "unreachable" in rows[0]["reason"]


async def test_audit_page_far_past_the_end_is_refused_or_empty(client: Client) -> None:
    # schemathesis once drew page=67072588842635640832: an offset no database takes.
    too_far = await client.get(path("audit"), params={"page": 67072588842635640832})
    assert too_far.status_code == 400 and "page" in too_far.json()["detail"]
    last = await client.get(path("audit"), params={"page": 1_000_000, "limit": 200})
    assert last.status_code == 200, last.text
    assert last.json()["entries"] == []
