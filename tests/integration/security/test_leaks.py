"""Secrets and internal addresses in real task logs, and Airdeck's own Airflow credentials,
never reach a response."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.security.conftest import LOCAL_USERS
from tests.support.airflow_runs import client as support_client
from tests.support.airflow_runs import ensure_run, run_path

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
# :02 since the DAG learnt to print a private key and the forms of issue 10 (item 13).
RUN_ID = "manual__leaky+redaction:02"
SECRETS = [
    "S3cretPassw0rd",
    "10.20.30.40",
    "tok_live_9f8e7d6c5b4a",
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMIK7",
    "fd00:1234::42",
    "192.168.7.1",
    "hunter22",
    "correct horse battery",
    "p;ss0rdQ",
    "defQ9",
    "ssQ7",
    "SwordFishQ3",
    "hunter2Q4",
    "apikeyvalueQ5",
    "tokenvalueQ6",
    "ya29.a0AfH6SMBxQ8",
    "4eC39HqLyjWDarjtT1zQ",
    "Q2x8kd93jfkeLmR4vP1s",
    "Q1a2b3c4d5e6f7g8h9i0",
    "100.64.12.34",
    "PRIVATE KEY",
]
KEPT = ["8.8.8.8", "192.0.2.10", "2001:db8::10", "max_tokens=100", "deploy key written"]


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
        if "-----END" in (raw := await asyncio.to_thread(raw_log, airflow)):
            break
        await asyncio.sleep(1)
    text = response.text
    key_body = re.findall(r"^[A-Za-z0-9+/=]{64}$", raw, re.M)
    assert len(key_body) >= 10, "Airflow's own log holds the key (in one event, then line by line)"
    assert "connecting to postgresql://etl:***@[internal-ip]:5432/warehouse" in text
    for kept in KEPT:
        assert kept in text, kept
    for secret in [*SECRETS, *key_body]:
        assert secret in raw, f"the task no longer logs {secret}"
        assert secret not in text, secret


def raw_log(airflow: Any) -> str:
    """The task's log straight from Airflow, one event message per line."""
    response = support_client(airflow).get(
        f"{run_path('leaky_logger', RUN_ID)}/taskInstances/leak/logs/1",
        headers={"Accept": "application/json"},
    )
    response.raise_for_status()
    return "\n".join(
        event if isinstance(event, str) else str(event.get("event", ""))
        for event in response.json()["content"]
    )


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
