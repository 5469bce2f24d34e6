"""``/metrics`` against the real test Airflow: who may read it, and its counters moving with the
requests made (requests by route template, Airflow calls by endpoint, cache hits and misses,
token refreshes, deployment health); each request's id echoed and sent on to Airflow."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.support.counting_proxy import CountingProxy
from tests.support.people import Person, client_as, mint

pytestmark = pytest.mark.integration
P = "/api/orchestrator"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def samples_of(text: str) -> Samples:
    """Every sample of a Prometheus text page, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value (0 when the series does not exist yet)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


async def scrape(client: AsyncTestClient[Litestar]) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples_of(response.text)


async def test_counters_move_with_the_requests_made(
    make_app: Callable[..., Litestar], person: Person
) -> None:
    # An app of its own: a cold cache and a service account that has not signed in yet.
    async with client_as(person, make_app()) as client:
        before = await scrape(client)
        first = await client.get(f"{P}/dags", params={"limit": 5})
        assert first.status_code == 200, first.text
        again = await client.get(f"{P}/dags", params={"limit": 5})
        assert again.status_code == 200 and again.json() == first.json()
        missing = await client.get(f"{P}/dags/metrics_no_such_dag")
        assert missing.status_code == 404
        health = await client.get(f"{P}/health")
        assert health.status_code == 200 and health.json()["reachable"] is True
        after = await scrape(client)

    def moved(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    route = {"method": "GET", "route": f"{P}/dags", "status": "200"}
    assert moved("airdeck_http_requests_total", **route) == 2
    assert moved("airdeck_http_request_duration_seconds_count", **route) == 2
    assert (
        moved(
            "airdeck_http_requests_total",
            method="GET",
            route=f"{P}/dags/{{dag_id}}",
            status="404",
        )
        == 1
    )
    # The cold page asked Airflow once for the list; the repeat was a cache hit.
    dags = {"deployment": "default", "method": "GET", "endpoint": "/api/v2/dags", "status": "200"}
    assert moved("airdeck_airflow_requests_total", **dags) == 1
    assert moved("airdeck_airflow_request_duration_seconds_count", **dags) == 1
    assert moved("airdeck_cache_reads_total", kind="dags", result="miss") == 1
    assert moved("airdeck_cache_reads_total", kind="dags", result="hit") == 1
    # Airflow's 404 is counted under the endpoint's template, not the DAG id.
    detail = {"deployment": "default", "method": "GET", "status": "404"}
    assert moved(
        "airdeck_airflow_requests_total", endpoint="/api/v2/dags/{dag_id}/details", **detail
    )
    assert not any("metrics_no_such_dag" in str(labels) for _, labels in after)
    assert moved("airdeck_airflow_token_refreshes_total", deployment="default", outcome="success")
    assert value(after, "airdeck_airflow_up", deployment="default") == 1
    statuses = [
        value(after, "airdeck_airflow_health_status", deployment="default", status=s)
        for s in ("healthy", "degraded", "unhealthy", "unknown")
    ]
    assert sorted(statuses) == [0, 0, 0, 1]
    assert value(after, "airdeck_airflow_health_checked_timestamp_seconds", deployment="default")


async def test_only_admins_and_the_scraper_token_read_metrics(
    make_app: Callable[..., Litestar], api_env: dict[str, str], person: Person, request: Any
) -> None:
    token = secrets.token_urlsafe(32)
    data_dir = Path(api_env["AIRDECK_DATA_DIR"])
    viewer = mint(data_dir, f"{request.node.name}~viewer", "viewer")
    operator = mint(data_dir, f"{request.node.name}~operator", "operator")
    team_admin = mint(data_dir, f"{request.node.name}~team-admin", "admin@team=finance")
    async with AsyncTestClient(app=make_app(AIRDECK_METRICS_TOKEN=token), timeout=60) as client:
        anonymous = await client.get("/metrics")
        assert anonymous.status_code == 401
        assert anonymous.headers["content-type"].startswith("application/problem+json")
        for who in (viewer, operator, team_admin):
            refused = await client.get("/metrics", headers=who.headers)
            assert refused.status_code == 403, (who.subject, refused.text)
            assert "metrics:read" in refused.json()["detail"]
        assert (await client.get("/metrics", headers=person.headers)).status_code == 200
        scraper = {"Authorization": f"Bearer {token}"}
        scraped = await client.get("/metrics", headers=scraper)
        assert scraped.status_code == 200 and "airdeck_http_requests_total" in scraped.text
        assert scraped.headers["cache-control"] == "no-store"
        wrong = await client.get("/metrics", headers={"Authorization": f"Bearer {token}x"})
        assert wrong.status_code == 401
        # The scraper's token opens /metrics only.
        elsewhere = await client.get(f"{P}/dags", headers=scraper)
        assert elsewhere.status_code == 401
        assert token not in elsewhere.text


async def test_without_a_configured_token_a_bearer_is_just_a_bad_token(
    make_app: Callable[..., Litestar],
) -> None:
    async with AsyncTestClient(app=make_app(), timeout=60) as client:
        guessed = await client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 32})
        assert guessed.status_code == 401


class RequestIdProxy(CountingProxy):
    """A counting proxy that also records the ``X-Request-ID`` of each request it forwards."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.request_ids: list[tuple[str, str | None]] = []

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            sent = dict(scope["headers"]).get(b"x-request-id")
            self.request_ids.append((scope["path"], sent.decode() if sent else None))
        await super().__call__(scope, receive, send)


async def test_the_request_id_is_echoed_and_sent_to_airflow(
    airflow: Any, make_app: Callable[..., Litestar], person: Person
) -> None:
    proxy = RequestIdProxy(airflow.url)
    proxy.start()
    try:
        async with client_as(person, make_app(AIRDECK_AIRFLOW_URL=proxy.url)) as client:
            chosen = "trace-" + secrets.token_hex(8)
            response = await client.get(f"{P}/dags/etl_pipeline", headers={"X-Request-ID": chosen})
            assert response.status_code == 200, response.text
            assert response.headers["x-request-id"] == chosen
            seen = list(proxy.request_ids)
            # The service account's sign-in and the DAG's reads, all made for this request.
            assert {"/auth/token", "/api/v2/dags/etl_pipeline/details"} <= {p for p, _ in seen}
            assert {sent for _, sent in seen} == {chosen}

            proxy.request_ids.clear()
            forged = await client.get(
                f"{P}/dags/etl_pipeline/runs", headers={"X-Request-ID": "two words\\r\\nX: y"}
            )
            assert forged.status_code == 200, forged.text
            generated = forged.headers["x-request-id"]
            assert len(generated) == 32 and "words" not in generated
            assert proxy.request_ids and {s for _, s in proxy.request_ids} == {generated}

            plain = await client.get(f"{P}/dags/etl_pipeline/runs")
            assert plain.headers["x-request-id"] not in (generated, chosen)
    finally:
        proxy.close()
