"""Connectors in the real Airflow, against the example service's paginated API on loopback: a
connector created through the API becomes a DAG (``pending`` until then), runs on its schedule
and on a trigger through Airdeck, loads its mapped rows (upserted: a second run adds none);
editing the schedule moves the next run; deleting removes the DAG; a source failing on its
second page fails the run with a clear message in the log and loads nothing.

Their product DB is one of this module's own: the embedded default's SQLite file, which Airflow's
task processes write while the API holds it open, or PostgreSQL as in production where a test
names it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import asyncpg
import pytest
import sqlalchemy as sa
from croniter import croniter
from litestar import Litestar
from sqlalchemy.ext.asyncio import create_async_engine

from airdeck_adapters.db import migrate
from tests.integration.connectors.conftest import (
    CONNECTORS,
    Client,
    eventually,
    people_connector,
    unique,
)
from tests.support.airflow_runs import client as airflow_client
from tests.support.airflow_runs import task_instances, wait_for_run
from tests.support.databases import temporary_database
from tests.support.people import Person, client_as

pytestmark = pytest.mark.integration
BUILT = 180.0
"""How long the DAG processor may take to build or drop a DAG on a busy machine (its file is
parsed every 30 s)."""


@pytest.fixture(scope="module")
def product_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated product DB of this module's own: SQLite, or the kind a test names by
    parametrizing this fixture."""
    kind = getattr(request, "param", "sqlite")
    with temporary_database(kind, tmp_path_factory.mktemp("product")) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
async def client(
    make_app: Callable[..., Litestar],
    connector_env: dict[str, str],
    product_database: str,
    person: Person,
    airflow: Any,
) -> AsyncIterator[Client]:
    """The API on this module's product DB, through a product connection of its own in
    Airflow; what the test left behind is deleted."""
    conn_id = f"airdeck_product_pg_{uuid.uuid4().hex[:8]}"
    app = make_app(
        **{
            **connector_env,
            "AIRDECK_DATABASE_URL": product_database,
            "AIRDECK_CONNECTORS_PRODUCT_CONN_ID": conn_id,
        }
    )
    async with client_as(person, app, timeout=120) as test_client:
        yield test_client
        listed = await test_client.get(CONNECTORS, params={"limit": 100})
        for connector in listed.json()["connectors"]:
            if connector["created_by"] == person.subject:
                await test_client.delete(f"{CONNECTORS}/{connector['id']}")
    airflow_client(airflow).delete(f"/connections/{conn_id}")


async def product_rows(database_url: str, table: str) -> list[dict[str, Any]]:
    """Every row of a product-DB table, by id, typed as its columns say."""

    def read(connection: sa.Connection) -> list[dict[str, Any]]:
        rows = sa.Table(table, sa.MetaData(), autoload_with=connection)
        return [dict(r._mapping) for r in connection.execute(sa.select(rows).order_by("id"))]

    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(read)
    finally:
        await engine.dispose()


async def built(client: Client, connector_id: str, version: int) -> dict[str, Any]:
    """The connector once Airflow has its DAG at ``version``."""

    async def check() -> dict[str, Any] | None:
        connector: dict[str, Any] = (await client.get(f"{CONNECTORS}/{connector_id}")).json()
        present = not connector["pending"] and connector["airflow"]["version"] == version
        return connector if present else None

    found: dict[str, Any] = await eventually(check, BUILT, f"no DAG at spec v{version}")
    return found


def runs_of(airflow: Any, dag_id: str) -> list[dict[str, Any]]:
    response = airflow_client(airflow).get(f"/dags/{dag_id}/dagRuns", params={"limit": 100})
    response.raise_for_status()
    runs: list[dict[str, Any]] = response.json()["dag_runs"]
    return runs


def task_log(airflow: Any, dag_id: str, run_id: str, task_id: str) -> str:
    path = f"/dags/{dag_id}/dagRuns/{quote(run_id, safe='')}/taskInstances/{task_id}/logs/1"
    response = airflow_client(airflow).get(path, headers={"Accept": "application/json"})
    response.raise_for_status()
    content = response.json()["content"]
    return "\n".join(e.get("event", "") if isinstance(e, dict) else str(e) for e in content)


async def test_a_connector_runs_in_airflow_from_creation_to_deletion(
    client: Client,
    example_url: str,
    airflow: Any,
    product_database: str,
    spec_files: Path,
) -> None:
    slug = unique("people")
    body = people_connector(
        example_url, slug, schedule={"cron": "* * * * *", "timezone": "UTC", "retries": 0}
    )
    created = await client.post(CONNECTORS, json=body)
    assert created.status_code == 201, created.text
    connector = created.json()
    dag_id, table = connector["dag_id"], connector["table"]
    assert dag_id == f"connector_{slug}" and table == f"connector_{slug}"
    assert connector["pending"] is True and connector["version"] == 1
    assert "pending in Airflow" in connector["airflow"]["message"]
    # Airdeck made the table before any run, empty.
    assert await product_rows(product_database, table) == []

    connector = await built(client, connector["id"], 1)
    dag = airflow_client(airflow).get(f"/dags/{dag_id}/details").json()
    assert "airdeck-connector" in {t["name"] for t in dag["tags"]}
    assert dag["max_active_runs"] == 1 and dag["catchup"] is False and not dag["is_paused"]

    # On its schedule: a run every minute.
    async def scheduled_success() -> bool:
        return any(
            r["run_type"] == "scheduled" and r["state"] == "success"
            for r in runs_of(airflow, dag_id)
        )

    await eventually(scheduled_success, 240, "no scheduled run succeeded")
    rows = await product_rows(product_database, table)
    assert [r["id"] for r in rows] == list(range(1, 26))
    first = rows[0]
    assert first["email"] == "person1@example.com" and first["score"] == 1.5
    assert first["active"] is True and first["nickname"] == "none"
    # SQLite keeps no offset: Airdeck writes UTC there.
    joined = first["joined"]
    assert joined.replace(tzinfo=joined.tzinfo or UTC) == datetime(2025, 1, 1, 8, tzinfo=UTC)
    assert first["_airdeck_run_id"].startswith("scheduled__")

    # On a trigger through Airdeck: the same 25 rows, upserted.
    triggered = await client.post(f"/api/orchestrator/dags/{dag_id}/runs", json={"conf": {}})
    assert triggered.status_code == 201, triggered.text
    run_id = triggered.json()["run_id"]
    assert wait_for_run(airflow, dag_id, run_id, timeout=240) == "success"
    rows = await product_rows(product_database, table)
    # One run (this one, or a scheduled one since) replaced all 25 rows at once.
    assert len(rows) == 25 and len({r["_airdeck_run_id"] for r in rows}) == 1

    # Editing the schedule is one new DAG version, and the next run moves.
    edited = {**body, "schedule": {"cron": "30 6 * * *", "timezone": "Asia/Tokyo"}}
    del edited["secrets"]
    replaced = await client.put(f"{CONNECTORS}/{connector['id']}", json=edited)
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["version"] == 2 and replaced.json()["pending"] is True
    connector = await built(client, connector["id"], 2)
    expected = croniter("30 6 * * *", datetime.now(ZoneInfo("Asia/Tokyo"))).get_next(datetime)

    async def moved() -> bool:
        detail = airflow_client(airflow).get(f"/dags/{dag_id}").json()
        after = detail.get("next_dagrun_run_after")
        return bool(after) and datetime.fromisoformat(after) == expected.astimezone(UTC)

    await eventually(moved, 120, f"the next run is not {expected}")

    # Deleting removes the DAG from Airflow; the audit log keeps what it was.
    deleted = await client.delete(f"{CONNECTORS}/{connector['id']}")
    assert deleted.status_code == 204
    assert not (spec_files / f"default--{slug}.json").exists()

    async def gone() -> bool:
        return airflow_client(airflow).get(f"/dags/{dag_id}").status_code == 404

    await eventually(gone, BUILT, f"{dag_id} is still in Airflow")
    audit = await client.get(
        "/api/orchestrator/audit", params={"action": "delete_connector", "dag_id": dag_id}
    )
    assert audit.status_code == 200, audit.text
    [entry] = audit.json()["entries"]
    assert entry["outcome"] == "success"
    assert entry["details"]["definition"]["schedule"]["cron"] == "30 6 * * *"


@pytest.mark.parametrize("product_database", ["postgresql"], indirect=True)
async def test_a_failing_source_fails_the_run_and_loads_nothing(
    client: Client, example_url: str, airflow: Any, product_database: str
) -> None:
    slug = unique("failing")
    body = people_connector(example_url, slug, destination={"table": slug, "mode": "append"})
    # Pages 1 answers, page 2 is a 503: the rows of page 1 must not be loaded either.
    body["source"]["params"] = {"per_page": "10", "fail": "500", "fail_page": "2"}
    created = await client.post(CONNECTORS, json=body)
    assert created.status_code == 201, created.text
    connector = await built(client, created.json()["id"], 1)
    dag_id = connector["dag_id"]
    triggered = await client.post(f"/api/orchestrator/dags/{dag_id}/runs", json={"conf": {}})
    assert triggered.status_code == 201, triggered.text
    run_id = triggered.json()["run_id"]
    assert wait_for_run(airflow, dag_id, run_id, timeout=240) == "failed"
    states = {t["task_id"]: t["state"] for t in task_instances(airflow, dag_id, run_id)}
    assert states == {
        "extract": "failed",
        "map": "upstream_failed",
        "load": "upstream_failed",
        "notify": "failed",
    }
    assert await product_rows(product_database, connector["table"]) == []
    log = task_log(airflow, dag_id, run_id, "notify")
    assert "failed in extract" in log and "(page 2) answered 503, expected 200" in log
    assert "Nothing of this run was loaded" in log
    assert "s3cr3t" not in task_log(airflow, dag_id, run_id, "extract")


async def test_a_connector_loads_through_a_postgres_connection_of_airflow(
    client: Client, example_url: str, airflow: Any, tmp_path: Path
) -> None:
    slug = unique("pg_people")
    conn_id = unique("pg")
    pg = {
        "kind": "postgres",
        "conn_id": conn_id,
        "table": "people",
        "mode": "upsert",
        "key": ["id"],
    }
    body = people_connector(example_url, slug, destination=pg)
    unknown = await client.post(CONNECTORS, json=body)
    assert unknown.status_code == 400
    assert "has no connection" in unknown.json()["errors"]["destination.conn_id"]
    with temporary_database("postgresql", tmp_path) as url:
        database = url.rsplit("/", 1)[1]
        connection = {
            "connection_id": conn_id,
            "conn_type": "postgres",
            "host": "127.0.0.1",
            "port": 5432,
            "login": "postgres",
            "schema": database,
        }
        assert airflow_client(airflow).post("/connections", json=connection).status_code == 201
        try:
            created = await client.post(CONNECTORS, json=body)
            assert created.status_code == 201, created.text
            connector = await built(client, created.json()["id"], 1)
            assert connector["table"] == "people"
            dag_id = connector["dag_id"]
            for _ in range(2):
                triggered = await client.post(
                    f"/api/orchestrator/dags/{dag_id}/runs", json={"conf": {}}
                )
                assert triggered.status_code == 201, triggered.text
                run_id = triggered.json()["run_id"]
                assert wait_for_run(airflow, dag_id, run_id, timeout=240) == "success"
            reader = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:5432/{database}")
            try:
                ids = [r["id"] for r in await reader.fetch("SELECT id FROM people ORDER BY id")]
            finally:
                await reader.close()
            assert ids == list(range(1, 26))
        finally:
            airflow_client(airflow).delete(f"/connections/{conn_id}")
            await client.delete(f"{CONNECTORS}/{connector['id']}")
