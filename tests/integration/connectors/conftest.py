"""Connectors against the real test Airflow: an API writing specs where that Airflow's DAG
factory reads them, allowed to call the example service on loopback, and helpers to read what
a run loaded into the product DB."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.airflow_runs import client as airflow_client
from tests.support.people import Person, client_as

Client = AsyncTestClient[Litestar]
CONNECTORS = "/api/orchestrator/connectors"
PRODUCT_CONN_ID = f"airdeck_product_db_{uuid.uuid4().hex[:8]}"
"""This session's product DB connection in Airflow, apart from other sessions' product DBs."""


@pytest.fixture(scope="session")
def example_url(airflow: Any) -> str:
    """The example service dev/airflow/start.sh runs beside the test Airflow (its port + 10)."""
    port = urlsplit(airflow.url).port
    assert port is not None
    return f"http://127.0.0.1:{port + 10}"


@pytest.fixture(scope="session")
def connector_env(airflow: Any) -> Iterator[dict[str, str]]:
    """What an API needs to manage the test Airflow's connectors and call the loopback
    example service."""
    if airflow_client(airflow).get("/variables", params={"limit": 1}).status_code == 403:
        pytest.fail(
            f"the test Airflow on {airflow.url} was started before connectors (ADR 0026): its "
            "service account cannot write Variables and its DAG factory reads no specs; restart "
            "it (dev/airflow/stop.sh, then dev/airflow/start.sh with the same settings)"
        )
    yield {
        "AIRDECK_CONNECTORS_DIR": str(airflow.connectors_dir),
        "AIRDECK_CONNECTORS_ALLOWED_HOSTS": "127.0.0.1",
        "AIRDECK_CONNECTORS_PRODUCT_CONN_ID": PRODUCT_CONN_ID,
    }
    # The session's product DB goes with it: so does the connection Airdeck made to it.
    airflow_client(airflow).delete(f"/connections/{PRODUCT_CONN_ID}")


@pytest.fixture
async def client(
    make_app: Callable[..., Litestar], connector_env: dict[str, str], person: Person
) -> AsyncIterator[Client]:
    """The API as this test's own admin; every connector the test left behind is deleted, so
    no DAG of it outlives the test in the shared Airflow."""
    async with client_as(person, make_app(**connector_env), timeout=120) as test_client:
        yield test_client
        listed = await test_client.get(CONNECTORS, params={"limit": 100})
        for connector in listed.json()["connectors"]:
            if connector["created_by"] == person.subject:
                await test_client.delete(f"{CONNECTORS}/{connector['id']}")


def unique(stem: str) -> str:
    """A slug no other test or session uses."""
    return f"{stem}_{uuid.uuid4().hex[:8]}"


def people_connector(example_url: str, slug: str, **changes: Any) -> dict[str, Any]:
    """A connector of the example service's paginated people (25 of them, 10 a page)."""
    body: dict[str, Any] = {
        "name": f"People {slug}",
        "slug": slug,
        "source": {
            "url": f"{example_url}/people",
            "params": {"per_page": "10"},
            "headers": {"X-Token": "{{ secrets.token }}"},
            "timeout_seconds": 10,
            "pagination": {"kind": "page_number", "param": "page", "size": 10},
        },
        "mapping": [
            {"path": "data[*].id", "column": "id", "type": "int"},
            {"path": "data[*].user.email", "column": "email"},
            {"path": "data[*].score", "column": "score", "type": "float"},
            {"path": "data[*].active", "column": "active", "type": "bool"},
            {"path": "data[*].joined", "column": "joined", "type": "timestamp"},
            {"path": "data[*].nickname", "column": "nickname", "default": "none"},
        ],
        "destination": {"table": slug, "mode": "upsert", "key": ["id"]},
        "schedule": {"cron": "0 0 1 1 *", "timezone": "UTC", "retries": 0},
        "secrets": {"token": "s3cr3t-connector-token"},
    }
    return {**body, **changes}


async def eventually(check: Callable[[], Awaitable[Any]], within: float, what: str) -> Any:
    """Await ``check`` each second until it answers something truthy; TimeoutError once
    ``within`` seconds passed."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = await check()
        if found:
            return found
        await asyncio.sleep(1)
    raise TimeoutError(f"{what} after {within:g} s")


@pytest.fixture
def spec_files(airflow: Any) -> Path:
    """The folder the test Airflow's factory reads specs from."""
    return Path(airflow.connectors_dir)
