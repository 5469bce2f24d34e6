"""Secrets and internal addresses in real task logs, and Airdeck's own Airflow credentials,
never reach a response."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.security.conftest import LOCAL_USERS
from tests.support.airflow_runs import ensure_run

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
RUN_ID = "manual__leaky+redaction:01"
SECRETS = [
    "S3cretPassw0rd",
    "10.20.30.40",
    "tok_live_9f8e7d6c5b4a",
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMIK7",
    "fd00:1234::42",
    "192.168.7.1",
    "hunter22",
]


@pytest.fixture(scope="module")
async def admin(
    make_secure_app: Callable[..., Litestar],
) -> AsyncIterator[tuple[Client, dict[str, str]]]:
    async with AsyncTestClient(
        app=make_secure_app(AIRDECK_AUTH_MODE="local"), timeout=60
    ) as client:
        token = await client.post(
            "/api/auth/token", json={"username": "ada", "password": LOCAL_USERS["ada"][0]}
        )
        yield client, {"Authorization": f"Bearer {token.json()['access_token']}"}


async def test_real_task_log_is_redacted(
    admin: tuple[Client, dict[str, str]], airflow: Any
) -> None:
    client, headers = admin
    assert ensure_run(airflow, "leaky_logger", RUN_ID) == "success"
    url = f"/api/orchestrator/dags/leaky_logger/runs/{RUN_ID.replace('+', '%2B')}/tasks/leak/logs"
    # A finished task's log file may still be flushing for a moment: read until it is there.
    for _ in range(30):
        response = await client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        if "connecting to" in response.text:
            break
        await asyncio.sleep(1)
    text = response.text
    assert "connecting to postgresql://etl:***@[internal-ip]:5432/warehouse" in text
    assert "8.8.8.8" in text, "public addresses stay"
    for secret in SECRETS:
        assert secret not in text, secret


async def test_airflow_address_and_credentials_never_leak(
    admin: tuple[Client, dict[str, str]], airflow: Any
) -> None:
    client, headers = admin
    paths = [
        "/api/orchestrator/dags",
        "/api/orchestrator/dags/etl_pipeline",
        "/api/orchestrator/dags/no_such_dag",
        "/api/orchestrator/health",
        "/api/orchestrator/dags/etl_pipeline/runs/nope/tasks/x/logs",
        "/api/auth/me",
    ]
    port = airflow.url.rsplit(":", 1)[1]
    for path in paths:
        response = await client.get(path, headers=headers)
        for needle in (airflow.url, f":{port}", airflow.password):
            assert needle not in response.text, (path, needle)
