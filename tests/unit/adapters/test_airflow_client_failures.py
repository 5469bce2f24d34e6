"""Failures a real Airflow can't be made to produce on demand, mocked with respx."""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid

import httpx
import pytest
import respx

from airdeck_adapters.airflow import AirflowClient, DeploymentConfig
from airdeck_domain.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    UnauthorizedError,
    UnavailableError,
)

BASE = "http://airflow.test:8080"


def jwt_with_exp(exp: float) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    claims = {"sub": "airdeck", "exp": exp, "jti": uuid.uuid4().hex}
    return f"{part({'alg': 'HS512'})}.{part(claims)}.sig"


@pytest.fixture
def client() -> AirflowClient:
    return AirflowClient(
        DeploymentConfig(name="eu-prod", url=BASE, username="svc", password="s3cret", timeout=0.5)
    )


@pytest.fixture
def airflow_mock() -> respx.MockRouter:
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        mock.post("/auth/token", name="token").mock(
            side_effect=lambda _: httpx.Response(
                201, json={"access_token": jwt_with_exp(time.time() + 3600)}
            )
        )
        yield mock


async def test_timeout_is_unavailable_naming_the_deployment(
    client: AirflowClient, airflow_mock: respx.MockRouter
) -> None:
    airflow_mock.get("/api/v2/dags").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(UnavailableError) as caught:
        await client.list_dags()
    assert "eu-prod" in caught.value.message and "timed out" in caught.value.message
    assert "airflow.test" not in caught.value.message


async def test_server_error_is_unavailable_with_airflows_message(
    client: AirflowClient, airflow_mock: respx.MockRouter
) -> None:
    airflow_mock.get("/api/v2/dags").respond(500, json={"detail": "database is locked"})
    with pytest.raises(UnavailableError) as caught:
        await client.list_dags()
    assert "database is locked" in caught.value.message
    assert "HTTP 500" in caught.value.message


async def test_garbage_json_is_unavailable(
    client: AirflowClient, airflow_mock: respx.MockRouter
) -> None:
    airflow_mock.get("/api/v2/dags").respond(200, content=b"<html>proxy error</html>")
    with pytest.raises(UnavailableError, match="unreadable"):
        await client.list_dags()


async def test_wrong_shape_is_unavailable(
    client: AirflowClient, airflow_mock: respx.MockRouter
) -> None:
    airflow_mock.get("/api/v2/dags").respond(200, json={"dags": "nope", "total_entries": 1})
    with pytest.raises(UnavailableError, match="unreadable"):
        await client.list_dags()


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (404, NotFoundError),
        (409, ConflictError),
        (400, InvalidInputError),
        (422, InvalidInputError),
        (403, UnauthorizedError),
    ],
)
async def test_status_maps_to_domain_error(
    client: AirflowClient, airflow_mock: respx.MockRouter, status: int, error: type[Exception]
) -> None:
    airflow_mock.get("/api/v2/dags/x/details").respond(status, json={"detail": "Airflow says no"})
    with pytest.raises(error, match="Airflow says no"):
        await client.get_dag("x")


async def test_validation_detail_list_is_readable(
    client: AirflowClient, airflow_mock: respx.MockRouter
) -> None:
    airflow_mock.post("/api/v2/dags/x/dagRuns").respond(
        422, json={"detail": [{"loc": ["body", "logical_date"], "msg": "Field required"}]}
    )
    with pytest.raises(InvalidInputError, match="logical_date: Field required"):
        await client.trigger("x", conf={})


async def test_one_token_for_a_hundred_concurrent_callers(
    client: AirflowClient, airflow_mock: respx.MockRouter
) -> None:
    token_route = airflow_mock["token"]

    async def slow_token(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0.05)
        return httpx.Response(201, json={"access_token": jwt_with_exp(time.time() + 3600)})

    token_route.mock(side_effect=slow_token)
    airflow_mock.get("/api/v2/dags").respond(200, json={"dags": [], "total_entries": 0})
    await asyncio.gather(*(client.list_dags() for _ in range(100)))
    assert token_route.call_count == 1


async def test_token_refreshed_before_expiry(
    client: AirflowClient, airflow_mock: respx.MockRouter
) -> None:
    token_route = airflow_mock["token"]
    token_route.respond(201, json={"access_token": jwt_with_exp(time.time() + 30)})
    airflow_mock.get("/api/v2/dags").respond(200, json={"dags": [], "total_entries": 0})
    await client.list_dags()
    await client.list_dags()
    # exp is inside the 60 s refresh margin, so every call asks for a fresh token.
    assert token_route.call_count == 2


async def test_a_401_is_retried_once_with_a_new_token(
    client: AirflowClient, airflow_mock: respx.MockRouter
) -> None:
    token_route = airflow_mock["token"]
    dags = airflow_mock.get("/api/v2/dags")
    dags.side_effect = [
        httpx.Response(401, json={"detail": "Invalid JWT"}),
        httpx.Response(200, json={"dags": [], "total_entries": 0}),
    ]
    assert await client.list_dags() == ([], 0)
    assert token_route.call_count == 2
    assert (
        dags.calls[0].request.headers["Authorization"]
        != dags.calls[1].request.headers["Authorization"]
    )


async def test_a_second_401_is_not_retried_again(
    client: AirflowClient, airflow_mock: respx.MockRouter
) -> None:
    dags = airflow_mock.get("/api/v2/dags").respond(401, json={"detail": "Invalid JWT"})
    with pytest.raises(UnauthorizedError):
        await client.list_dags()
    assert dags.call_count == 2


async def test_run_ids_are_encoded_in_paths_and_queries(
    client: AirflowClient, airflow_mock: respx.MockRouter
) -> None:
    run_id = "manual__2026-01-01T00:00:00+00:00~a.b"
    route = airflow_mock.get(
        url__regex=r".*/dagRuns/manual__2026-01-01T00%3A00%3A00%2B00%3A00~a\.b$"
    ).respond(404, json={"detail": "not found"})
    with pytest.raises(NotFoundError):
        await client.get_run("etl", run_id)
    assert route.called
    search = airflow_mock.get("/api/v2/dags").respond(200, json={"dags": [], "total_entries": 0})
    await client.list_dags(search="a+b")
    assert b"dag_id_pattern=a%2Bb" in search.calls[0].request.url.query


async def test_token_service_down_is_unavailable(client: AirflowClient) -> None:
    with respx.mock(base_url=BASE) as mock:
        mock.post("/auth/token").mock(side_effect=httpx.ConnectError("refused"))
        with pytest.raises(UnavailableError, match="unreachable"):
            await client.list_dags()


async def test_airflow_2_refuses_a_sort_it_cannot_do_without_calling() -> None:
    client = AirflowClient(
        DeploymentConfig(name="legacy", url=BASE, username="svc", api_version="v1")
    )
    with respx.mock(base_url=BASE) as mock:
        listing = mock.get("/api/v1/dags").respond(200, json={"dags": [], "total_entries": 0})
        await client.list_dags(sort="-dag_id")
        assert listing.calls[0].request.url.params["order_by"] == "-dag_id"
        with pytest.raises(InvalidInputError, match="cannot sort DAGs by next_run") as caught:
            await client.list_dags(sort="next_run")
        assert caught.value.errors == {"sort": "not supported by this deployment"}
        assert listing.call_count == 1
