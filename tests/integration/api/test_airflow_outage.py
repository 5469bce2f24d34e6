"""Airflow going away and coming back while the API keeps running."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar import Litestar

from tests.support.people import Person, client_as
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.integration


async def test_outage_gives_503_then_recovers_without_restart(
    airflow: Any, make_app: Callable[..., Litestar], person: Person
) -> None:
    target = urlsplit(airflow.url)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 80)
    proxy.start()
    app = make_app(
        AIRDECK_AIRFLOW_URL=proxy.url, AIRDECK_AIRFLOW_NAME="eu-prod", AIRDECK_AIRFLOW_TIMEOUT="3"
    )
    try:
        async with client_as(person, app, timeout=30) as client:
            before = await client.get("/api/orchestrator/dags")
            assert before.status_code == 200, before.text

            proxy.stop()
            # What is cached still answers; what must come from Airflow gets a 503.
            cached = await client.get("/api/orchestrator/dags")
            assert cached.status_code == 200 and cached.json() == before.json()
            down = await client.get("/api/orchestrator/dags/etl_pipeline/runs")
            assert down.status_code == 503
            problem = down.json()
            assert "eu-prod" in problem["detail"]
            assert problem["deployment"] == "eu-prod"
            assert str(proxy.port) not in down.text, "the Airflow address never leaks"
            assert down.headers["content-type"].startswith("application/problem+json")

            health = await client.get("/api/orchestrator/health")
            assert health.status_code == 200
            assert health.json()["reachable"] is False
            assert health.json()["status"] == "unhealthy"

            proxy.start()
            after = await client.get("/api/orchestrator/dags")
            assert after.status_code == 200, after.text
            assert (await client.get("/api/orchestrator/health")).json()["reachable"] is True
    finally:
        proxy.close()
