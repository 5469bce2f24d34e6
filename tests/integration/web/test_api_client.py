"""The web's API client against the real API in-process (httpx.ASGITransport) and real Airflow."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from litestar import Litestar

from airdeck_web.api_client import AirdeckApi, ApiError, pooled_client, reach_api_through
from airdeck_web.param_form import conf_from_values
from tests.support.people import Person

pytestmark = pytest.mark.integration


async def test_client_reads_and_reports_field_errors(
    make_app: Callable[..., Litestar], person: Person
) -> None:
    app = make_app()
    async with app.lifespan():
        transport = httpx.ASGITransport(app=app)
        async with AirdeckApi(person.token, transport=transport) as api:
            me = await api.me()
            assert me["subject"] == person.subject
            dags = await api.orchestrator("GET", "dags", params={"search": "parametrized"})
            assert [d["dag_id"] for d in dags["dags"]] == ["parametrized_report"]
            detail = (await api.orchestrator("GET", "dags", "parametrized_report"))["dag"]
            conf, _ = conf_from_values(detail["params_schema"], {"region": "mars", "days": "40"})
            with pytest.raises(ApiError) as caught:
                await api.orchestrator(
                    "POST", "dags", "parametrized_report", "runs", json={"conf": conf}
                )
            assert caught.value.status == 400
            assert set(caught.value.errors) == {"conf.region", "conf.days"}
            with pytest.raises(ApiError) as missing:
                await api.orchestrator("GET", "dags", "no_such_dag")
            assert missing.value.status == 404


async def test_unreachable_api_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRDECK_API_URL", "http://127.0.0.1:9")
    async with AirdeckApi() as api:
        with pytest.raises(ApiError, match="cannot be reached") as caught:
            await api.orchestrator("GET", "dags")
    assert caught.value.status == 503


async def test_every_client_shares_one_pool_but_sends_its_own_user(
    make_app: Callable[..., Litestar], person: Person
) -> None:
    app = make_app()
    async with app.lifespan():
        reach_api_through(httpx.ASGITransport(app=app))
        try:
            async with AirdeckApi(person.token) as api:
                assert (await api.me())["subject"] == person.subject
                pool = pooled_client()
                dag = await api.dag("parametrized_report")
                assert dag["dag_id"] == "parametrized_report"
            async with AirdeckApi() as anonymous:
                with pytest.raises(ApiError) as refused:
                    await anonymous.me()
                assert refused.value.status == 401, "the last user's token did not ride along"
            assert pooled_client() is pool
        finally:
            reach_api_through(None)
        assert pooled_client() is not pool, "another transport gets a pool of its own"
