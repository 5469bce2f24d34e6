"""``/livez`` and ``/readyz`` against the real test Airflow and product DB: public, never
authenticated, and ``/readyz`` names what is not ready, within its bound, whatever is down."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.ports import free_port
from tests.support.stalling_proxy import StallingProxy

pytestmark = pytest.mark.integration
BAD_TOKEN = {"Authorization": "Bearer not-a-token"}


async def test_live_and_ready_without_a_token(make_app: Callable[..., Litestar]) -> None:
    async with AsyncTestClient(app=make_app(), timeout=60) as client:
        for headers in ({}, BAD_TOKEN):
            live = await client.get("/livez", headers=headers)
            assert live.status_code == 200 and live.json() == {"alive": True}
            assert live.headers["cache-control"] == "no-store"
            assert live.headers["x-request-id"]
            ready = await client.get("/readyz", headers=headers)
            assert ready.status_code == 200, ready.text
            assert ready.json() == {
                "ready": True,
                "checks": [
                    {"name": "database", "ready": True},
                    {"name": "airflow", "ready": True, "deployment": "default"},
                ],
            }


async def test_not_ready_when_airflow_is_unreachable(make_app: Callable[..., Litestar]) -> None:
    closed = free_port()
    app = make_app(AIRDECK_AIRFLOW_URL=f"http://127.0.0.1:{closed}", AIRDECK_AIRFLOW_NAME="eu")
    async with AsyncTestClient(app=app, timeout=60) as client:
        assert (await client.get("/livez")).status_code == 200
        ready = await client.get("/readyz")
        assert ready.status_code == 503, ready.text
        body = ready.json()
        assert body["ready"] is False
        database, airflow = body["checks"]
        assert database == {"name": "database", "ready": True}
        assert (airflow["name"], airflow["deployment"], airflow["ready"]) == (
            "airflow",
            "eu",
            False,
        )
        assert "unreachable" in airflow["detail"]
        assert str(closed) not in ready.text, "the Airflow address never leaks"


async def test_ready_answers_in_its_bound_when_airflow_hangs(
    airflow: Any, make_app: Callable[..., Litestar]
) -> None:
    """Airflow accepts the connection and never answers (its timeout is 10 s): the check is
    cut at its own bound and the probe still answers, naming the silent deployment."""
    where = urlsplit(airflow.url)
    proxy = StallingProxy(where.hostname or "127.0.0.1", where.port or 80)
    proxy.start()
    proxy.stall_everything = True
    try:
        async with AsyncTestClient(
            app=make_app(AIRDECK_AIRFLOW_URL=proxy.url), timeout=60
        ) as client:
            ready = await client.get("/readyz")
            assert ready.status_code == 503, ready.text
            (airflow_check,) = [c for c in ready.json()["checks"] if c["name"] == "airflow"]
            assert airflow_check["detail"] == "no answer in 2 s"
    finally:
        proxy.close()


async def test_not_ready_when_the_product_db_is_unreachable(
    make_app: Callable[..., Litestar],
) -> None:
    closed = free_port()
    app = make_app()
    async with AsyncTestClient(app=app, timeout=60) as client:
        # Started on a working DB; then the DB goes away (a URL nothing answers at).
        from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

        engine = create_async_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{closed}/x")
        app.state.sessions = async_sessionmaker(engine)
        try:
            ready = await client.get("/readyz")
        finally:
            await engine.dispose()
        assert ready.status_code == 503, ready.text
        database = ready.json()["checks"][0]
        assert database["name"] == "database" and database["ready"] is False
        assert str(closed) not in ready.text
