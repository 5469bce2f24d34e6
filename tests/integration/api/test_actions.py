"""Every action route against the real Airflow 3, on SQLite and on the real PostgreSQL:
the effect is visible in Airflow and each action leaves exactly one correct audit row."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from advanced_alchemy.config import SQLAlchemyAsyncConfig
from litestar import Litestar
from litestar.testing import AsyncTestClient

from airdeck_adapters.airflow import Deployments
from airdeck_adapters.db import migrate
from airdeck_adapters.db.engine import database_config
from airdeck_adapters.db.models import TriggeredRun
from airdeck_adapters.db.services import TriggeredRunService
from airdeck_api.services.reconcile import Reconciler
from airdeck_api.services.runs import CONF_LOOKUPS_AT_ONCE
from airdeck_api.settings import Settings
from tests.support import airflow_runs
from tests.support.databases import KINDS, temporary_database
from tests.support.people import Person, client_as
from tests.support.stalling_proxy import StallingProxy
from tests.support.tcp_proxy import TcpProxy

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
async def module_client(
    make_app: Callable[..., Litestar], database_url: str
) -> AsyncIterator[Client]:
    """One API per product DB for the module, as a running server would be."""
    app = make_app(AIRDECK_DATABASE_URL=database_url)
    async with AsyncTestClient(app=app, timeout=60) as test_client:
        yield test_client


@pytest.fixture
def client(module_client: Client, person: Person) -> Iterator[Client]:
    """The module's API, every request sent as this test's own person."""
    module_client.headers.update(person.headers)
    yield module_client
    del module_client.headers["Authorization"]


async def audit_rows(client: Client, **filters: str) -> list[dict[str, Any]]:
    response = await client.get(path("audit"), params={"limit": 200, **filters})
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries


async def test_pause_and_unpause_are_visible_in_airflow(
    client: Client, airflow: Any, person: Person
) -> None:
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
    assert all(r["outcome"] == "success" and r["user"] == person.subject for r in rows[:2])


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
    # A DAG is paused when Airflow first parses it: a paused DAG's runs stay queued.
    await asyncio.to_thread(airflow_runs.unpause, airflow, "parametrized_report")
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
    finance = (await client.get(path("dags"), params={"team": "finance"})).json()
    assert [d["dag_id"] for d in finance["dags"]] == ["flaky_retry"] and finance["total"] == 1
    nobody = (await client.get(path("dags"), params={"team": "nobody"})).json()
    assert nobody["dags"] == [] and nobody["total"] == 0
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
    make_app: Callable[..., Litestar], database_url: str, person: Person
) -> None:
    app = make_app(
        AIRDECK_DATABASE_URL=database_url,
        AIRDECK_AIRFLOW_URL="http://127.0.0.1:9",
        AIRDECK_AIRFLOW_TIMEOUT="2",
    )
    async with client_as(person, app, timeout=30) as down:
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


# -- Once Airflow has accepted an action, nothing after it turns the answer into an error -------

REPORT = "parametrized_report"
LATER = timedelta(hours=1)  # the reconciler leaves rows younger than its grace period alone


def report_conf() -> dict[str, Any]:
    return {"region": "eu", "days": 2}


def runs_noted(airflow: Any, note: str) -> list[str]:
    """Run ids of the report's recent runs carrying ``note`` (each test uses its own)."""
    response = airflow_runs.client(airflow).get(
        f"/dags/{REPORT}/dagRuns", params={"limit": 100, "order_by": "-run_after"}
    )
    response.raise_for_status()
    return [r["dag_run_id"] for r in response.json()["dag_runs"] if r.get("note") == note]


def airflow_proxy(airflow: Any) -> StallingProxy:
    where = urlsplit(airflow.url)
    proxy = StallingProxy(where.hostname or "127.0.0.1", where.port or 80)
    proxy.start()
    return proxy


async def trigger_once_and_audited(api: Client, airflow: Any, note: str) -> None:
    """Trigger the report: 201, exactly one run in Airflow, and its audit row a success."""
    response = await api.post(
        path("dags", REPORT, "runs"), json={"conf": report_conf(), "note": note}
    )
    assert response.status_code == 201, response.text
    run_id = response.json()["run_id"]
    assert runs_noted(airflow, note) == [run_id]
    (row, *_) = await audit_rows(api, action="trigger_run")
    assert (row["run_id"], row["outcome"]) == (run_id, "success")


async def settle_pending(app: Litestar) -> int:
    """One reconciler round, as another API process would run it (its own engine and
    clients; the app's own reconciler keeps running beside it)."""
    settings: Settings = app.state.settings
    database = database_config(settings.storage.database_url, SQLAlchemyAsyncConfig)
    deployments = Deployments(settings.airflow.deployments)
    try:
        reconciler = Reconciler(
            database.create_session_maker(),
            deployments,
            grace=timedelta(seconds=settings.airflow.longest_action),
            key_retention=timedelta(seconds=settings.actions.idempotency_ttl),
        )
        return await reconciler.run_once(now=datetime.now(UTC) + LATER)
    finally:
        await deployments.aclose()
        await database.get_engine().dispose()


async def test_product_db_failing_after_airflow_accepted_still_answers_201(
    make_app: Callable[..., Litestar], airflow: Any, tmp_path: Path, person: Person
) -> None:
    note = f"db-fails-{uuid.uuid4().hex[:8]}"
    db_proxy = TcpProxy("127.0.0.1", 5432)
    db_proxy.start()
    tap = airflow_proxy(airflow)
    with temporary_database("postgresql", tmp_path) as direct_url:
        await asyncio.to_thread(migrate.upgrade, direct_url)
        proxied = direct_url.replace("127.0.0.1:5432", f"127.0.0.1:{db_proxy.port}")
        app = make_app(AIRDECK_DATABASE_URL=proxied, AIRDECK_AIRFLOW_URL=tap.url)
        try:
            async with client_as(person, app) as api:
                # The product DB goes away while Airflow is starting the run.
                tap.on_trigger = db_proxy.stop
                response = await api.post(
                    path("dags", REPORT, "runs"), json={"conf": report_conf(), "note": note}
                )
                assert response.status_code == 201, response.text
                run_id = response.json()["run_id"]
                assert runs_noted(airflow, note) == [run_id]
                tap.on_trigger = None
                db_proxy.start()
                (row,) = await audit_rows(api, action="trigger_run", outcome="pending")
                assert row["run_id"] == run_id
                # Two API processes reconciling at once settle the row exactly once.
                assert sorted(await asyncio.gather(settle_pending(app), settle_pending(app))) == [
                    0,
                    1,
                ]
                assert await settle_pending(app) == 0, "a settled row is never settled again"
                (row,) = await audit_rows(api, action="trigger_run")
                assert (row["outcome"], row["run_id"], row["details"]["reconciled"]) == (
                    "success",
                    run_id,
                    True,
                )
                found = await api.get(path("dags", REPORT, "runs"), params={"conf.region": "eu"})
                assert [r["run_id"] for r in found.json()["runs"]] == [run_id]
        finally:
            tap.close()
            db_proxy.close()


async def test_redis_down_after_airflow_accepted_still_answers_201(
    make_app: Callable[..., Litestar], database_url: str, airflow: Any, person: Person
) -> None:
    note = f"redis-down-{uuid.uuid4().hex[:8]}"
    redis_proxy = TcpProxy("127.0.0.1", 6379)
    redis_proxy.start()
    tap = airflow_proxy(airflow)
    app = make_app(
        AIRDECK_DATABASE_URL=database_url,
        AIRDECK_AIRFLOW_URL=tap.url,
        AIRDECK_REDIS_URL=f"redis://127.0.0.1:{redis_proxy.port}/0",
        AIRDECK_RATE_LIMIT_PREFIX=f"airdeck-test-{uuid.uuid4().hex[:8]}",
    )
    try:
        async with client_as(person, app) as api:
            assert (await api.get(path("dags"))).status_code == 200  # the cache is in use
            tap.on_trigger = redis_proxy.stop
            await trigger_once_and_audited(api, airflow, note)
    finally:
        tap.close()
        redis_proxy.close()


async def test_trigger_whose_answer_times_out_is_looked_up_by_its_run_id(
    make_app: Callable[..., Litestar], database_url: str, airflow: Any, person: Person
) -> None:
    note = f"answer-lost-{uuid.uuid4().hex[:8]}"
    tap = airflow_proxy(airflow)
    tap.stall_triggers = True
    app = make_app(
        AIRDECK_DATABASE_URL=database_url, AIRDECK_AIRFLOW_URL=tap.url, AIRDECK_AIRFLOW_TIMEOUT="3"
    )
    try:
        async with client_as(person, app) as api:
            await trigger_once_and_audited(api, airflow, note)
            assert tap.triggers_seen.is_set()
    finally:
        tap.close()


async def test_trigger_with_airflow_silent_is_reconciled_and_a_retry_starts_no_second_run(
    make_app: Callable[..., Litestar], database_url: str, airflow: Any, person: Person
) -> None:
    note = f"silent-{uuid.uuid4().hex[:8]}"
    tap = airflow_proxy(airflow)

    def go_silent() -> None:
        tap.stall_everything = True

    tap.on_trigger = go_silent
    app = make_app(
        AIRDECK_DATABASE_URL=database_url, AIRDECK_AIRFLOW_URL=tap.url, AIRDECK_AIRFLOW_TIMEOUT="3"
    )
    body = {"conf": report_conf(), "note": note}
    key = {"Idempotency-Key": f"silent-{uuid.uuid4()}"}
    try:
        async with client_as(person, app) as api:
            lost = await api.post(path("dags", REPORT, "runs"), json=body, headers=key)
            assert lost.status_code == 503, lost.text
            assert "Idempotency-Key" in lost.json()["detail"]
            (started,) = runs_noted(airflow, note)
            assert started in lost.json()["detail"]
            tap.on_trigger = None
            tap.stall_everything = False
            (row,) = await audit_rows(api, action="trigger_run", outcome="pending")
            assert row["run_id"] == started
            assert await settle_pending(app) >= 1
            rows = await audit_rows(api, action="trigger_run")
            settled = next(r for r in rows if r["id"] == row["id"])
            assert (settled["outcome"], settled["status_code"]) == ("success", 200)
            retry = await api.post(path("dags", REPORT, "runs"), json=body, headers=key)
            assert retry.status_code == 201, retry.text
            assert retry.json()["run_id"] == started
            assert runs_noted(airflow, note) == [started], "the retry started no second run"
    finally:
        tap.close()


async def test_idempotency_key_replays_the_first_answer(client: Client, airflow: Any) -> None:
    note = f"idem-{uuid.uuid4().hex[:8]}"
    body = {"conf": report_conf(), "note": note}
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = await client.post(path("dags", REPORT, "runs"), json=body, headers=key)
    assert first.status_code == 201, first.text
    again = await client.post(path("dags", REPORT, "runs"), json=body, headers=key)
    assert again.status_code == 201 and again.json() == first.json()
    assert runs_noted(airflow, note) == [first.json()["run_id"]]
    other = await client.post(
        path("dags", REPORT, "runs"), json={**body, "note": "changed"}, headers=key
    )
    assert other.status_code == 409, other.text
    assert "different request" in other.json()["detail"]
    elsewhere = await client.patch(
        path("dags", REPORT, "pause"), json={"is_paused": False}, headers=key
    )
    assert elsewhere.status_code == 409
    unkeyed = await client.post(path("dags", REPORT, "runs"), json=body)
    assert unkeyed.status_code == 201 and unkeyed.json()["run_id"] != first.json()["run_id"]
    before = len(await audit_rows(client, dag_id=REPORT, action="unpause_dag"))
    pause_key = {"Idempotency-Key": str(uuid.uuid4())}
    for _ in range(2):
        paused = await client.patch(
            path("dags", REPORT, "pause"), json={"is_paused": False}, headers=pause_key
        )
        assert paused.status_code == 200 and paused.json()["is_paused"] is False
    after = len(await audit_rows(client, dag_id=REPORT, action="unpause_dag"))
    assert after == before + 1, "the replayed unpause did not act again"


async def test_conf_search_pages_in_the_db_and_asks_airflow_only_for_the_page(
    make_app: Callable[..., Litestar], database_url: str, airflow: Any, person: Person
) -> None:
    batch = uuid.uuid4().hex[:8]
    real = f"manual__conf_search_{batch}"
    airflow_runs.ensure_run(airflow, "etl_pipeline", real, {})
    database = database_config(database_url, SQLAlchemyAsyncConfig)
    async with database.get_session() as session:
        runs = TriggeredRunService(session=session)
        for i in range(60):
            await runs.create(
                TriggeredRun(
                    deployment="default",
                    dag_id="etl_pipeline",
                    run_id=f"manual__gone_{batch}_{i:02d}",
                    user_id=person.subject,
                    conf={"batch": batch},
                ),
                auto_commit=True,
            )
        await runs.create(
            TriggeredRun(
                deployment="default",
                dag_id="etl_pipeline",
                run_id=real,
                user_id=person.subject,
                conf={"batch": batch},
            ),
            auto_commit=True,
        )
    await database.get_engine().dispose()
    proxy = airflow_proxy(airflow)
    proxy.watched = f"/dagRuns/manual__gone_{batch}".encode()
    app = make_app(AIRDECK_DATABASE_URL=database_url, AIRDECK_AIRFLOW_URL=proxy.url)
    try:
        async with client_as(person, app) as api:
            found = await api.get(
                path("dags", "etl_pipeline", "runs"), params={"conf.batch": batch, "limit": 5}
            )
            assert found.status_code == 200, found.text
            page = found.json()
            assert page["total"] == 61
            assert [r["run_id"] for r in page["runs"]] == [real]
            assert proxy.watched_requests == 4, (
                "one Airflow call per run of the page, not per match"
            )
            second = await api.get(
                path("dags", "etl_pipeline", "runs"),
                params={"conf.batch": batch, "limit": 20, "page": 2},
            )
            assert second.status_code == 200, second.text
            assert (second.json()["total"], second.json()["runs"]) == (61, [])
            assert proxy.watched_requests == 4 + 20
            assert proxy.most_in_flight <= CONF_LOOKUPS_AT_ONCE, proxy.most_in_flight
    finally:
        proxy.close()
