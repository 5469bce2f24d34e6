"""Rate limits hold across two API processes that share Redis; groups come from the route
table; sign-in failures count per username and address, the address being the person's when
a trusted proxy (the web) forwards it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import redis
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.security.conftest import LOCAL_USERS
from tests.support.ports import free_port

pytestmark = pytest.mark.integration
REDIS_URL = "redis://127.0.0.1:6379/0"


@contextmanager
def running_apis(env: Mapping[str, str], count: int) -> Iterator[list[str]]:
    """``count`` real API processes on loopback, at the default rate limits."""
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "airdeck_api.cli", "serve"],
            env={**env, "AIRDECK_API_PORT": str(port)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for url in urls:
            for _ in range(150):
                try:
                    httpx.get(f"{url}/api/auth/jwks.json", timeout=1).raise_for_status()
                    break
                except httpx.HTTPError:
                    time.sleep(0.1)
            else:
                pytest.fail(f"the API at {url} did not start")
        yield urls
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)


@pytest.fixture
def two_apis(security_env: dict[str, str]) -> Iterator[list[str]]:
    """Two real API processes on loopback, with a key space of their own in the shared Redis."""
    prefix = f"airdeck-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        **security_env,
        "AIRDECK_AUTH_MODE": "local",
        "AIRDECK_REDIS_URL": REDIS_URL,
        "AIRDECK_RATE_LIMIT_PREFIX": prefix,
        "AIRDECK_RATE_LIMITS": "",
    }
    try:
        with running_apis(env, 2) as urls:
            yield urls
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)


def login(url: str, user: str) -> dict[str, str]:
    response = httpx.post(
        f"{url}/api/auth/token", json={"username": user, "password": LOCAL_USERS[user][0]}
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_eleventh_write_in_a_minute_is_429_across_processes(two_apis: list[str]) -> None:
    first, second = two_apis
    headers = login(first, "otto")
    statuses: list[int] = []
    responses: list[httpx.Response] = []
    for i in range(11):
        url = (first, second)[i % 2]
        response = httpx.patch(
            f"{url}/api/orchestrator/dags/rate_limit_no_such_dag/pause",
            json={"is_paused": True},
            headers=headers,
            timeout=30,
        )
        statuses.append(response.status_code)
        responses.append(response)
    assert statuses[:10] == [404] * 10, statuses
    assert statuses[10] == 429
    limited = responses[10]
    assert int(limited.headers["retry-after"]) >= 1
    assert limited.headers["ratelimit-limit"] == "10"
    assert limited.headers["ratelimit-remaining"] == "0"
    assert "writes" in limited.json()["detail"]
    assert responses[0].headers["ratelimit-remaining"] == "9"
    # Reads have a budget of their own, and another user is not affected.
    assert httpx.get(f"{second}/api/orchestrator/health", headers=headers).status_code == 200
    other = login(second, "ada")
    again = httpx.patch(
        f"{first}/api/orchestrator/dags/rate_limit_no_such_dag/pause",
        json={"is_paused": True},
        headers=other,
    )
    assert again.status_code == 404


def test_unauthenticated_sign_in_attempts_are_limited_per_address(two_apis: list[str]) -> None:
    first, second = two_apis
    # No proxy is trusted here, so a claimed X-Forwarded-For changes nothing.
    statuses: Any = [
        httpx.post(
            f"{(first, second)[i % 2]}/api/auth/token",
            json={"username": "otto", "password": "guess"},
            headers={"X-Forwarded-For": f"198.51.100.{i}"},
        ).status_code
        for i in range(11)
    ]
    assert statuses == [401] * 10 + [429]


async def test_a_dag_named_like_a_group_still_counts_as_a_write(
    make_secure_app: Callable[..., Litestar],
) -> None:
    app = make_secure_app(AIRDECK_AUTH_MODE="local", AIRDECK_RATE_LIMITS="")
    async with AsyncTestClient(app=app, timeout=60) as client:
        signed_in = await client.post(
            "/api/auth/token", json={"username": "otto", "password": LOCAL_USERS["otto"][0]}
        )
        headers = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        statuses = [
            (
                await client.post(
                    "/api/orchestrator/dags/logs_x_health/runs", json={"conf": {}}, headers=headers
                )
            ).status_code
            for _ in range(11)
        ]
        assert statuses == [404] * 10 + [429], statuses


@pytest.fixture(scope="module")
def proxied_api(security_env: dict[str, str]) -> Iterator[str]:
    """A real API process that trusts loopback as its proxy (as the web is), at the default
    rate limits."""
    env = {
        **os.environ,
        **security_env,
        "AIRDECK_AUTH_MODE": "local",
        "AIRDECK_RATE_LIMITS": "",
        "AIRDECK_TRUSTED_PROXIES": "127.0.0.1,::1",
    }
    with running_apis(env, 1) as (url,):
        yield url


def sign_in(url: str, user: str, password: str, address: str) -> httpx.Response:
    return httpx.post(
        f"{url}/api/auth/token",
        json={"username": user, "password": password},
        headers={"X-Forwarded-For": address},
        timeout=30,
    )


def test_failed_sign_ins_count_per_username_and_forwarded_address(proxied_api: str) -> None:
    guesser, neighbour = "198.51.100.21", "198.51.100.22"
    statuses = [sign_in(proxied_api, "otto", "guess", guesser).status_code for _ in range(10)]
    assert statuses == [401] * 10
    refused = sign_in(proxied_api, "otto", LOCAL_USERS["otto"][0], guesser)
    assert refused.status_code == 429, "the guesser is stopped even with the right password"
    assert int(refused.headers["retry-after"]) >= 1
    assert "failed sign-ins" in refused.json()["detail"]
    # Another person behind the same web server, and the guesser as another user, go on.
    assert sign_in(proxied_api, "otto", LOCAL_USERS["otto"][0], neighbour).status_code == 200
    assert sign_in(proxied_api, "ada", LOCAL_USERS["ada"][0], guesser).status_code == 200


def test_people_signing_in_normally_are_not_locked_out(proxied_api: str) -> None:
    address = "198.51.100.31"
    assert sign_in(proxied_api, "vera", "typo", address).status_code == 401
    statuses = [
        sign_in(proxied_api, "vera", LOCAL_USERS["vera"][0], address).status_code for _ in range(11)
    ]
    assert statuses == [200] * 11, statuses


def test_ipv6_addresses_count_by_their_64_prefix(proxied_api: str) -> None:
    statuses = [
        sign_in(proxied_api, "fin", "guess", f"2001:db8:a:b::{i + 1:x}").status_code
        for i in range(10)
    ]
    assert statuses == [401] * 10
    assert sign_in(proxied_api, "fin", "guess", "2001:db8:a:b:ffff::1").status_code == 429
    assert sign_in(proxied_api, "fin", LOCAL_USERS["fin"][0], "2001:db8:a:c::1").status_code == 200


def test_audit_records_the_forwarded_address(proxied_api: str) -> None:
    person = "203.0.113.77"
    otto = {
        "Authorization": "Bearer "
        + sign_in(proxied_api, "otto", LOCAL_USERS["otto"][0], person).json()["access_token"],
        "X-Forwarded-For": person,
    }
    starred = httpx.post(
        f"{proxied_api}/api/orchestrator/dags/etl_pipeline/favorite", headers=otto, timeout=30
    )
    assert starred.status_code == 200, starred.text
    ada = {
        "Authorization": "Bearer "
        + sign_in(proxied_api, "ada", LOCAL_USERS["ada"][0], "203.0.113.78").json()["access_token"]
    }
    rows = httpx.get(
        f"{proxied_api}/api/orchestrator/audit",
        params={"user": "otto", "dag_id": "etl_pipeline", "limit": 5},
        headers=ada,
        timeout=30,
    ).json()["entries"]
    assert rows and rows[0]["ip_address"] == person, rows
    # A chain is read from the right, skipping trusted hops: what the client wrote before
    # the first untrusted hop (10.1.1.1 here) is not believed.
    chained = {**otto, "X-Forwarded-For": f"10.1.1.1, {person}, 127.0.0.1"}
    httpx.delete(
        f"{proxied_api}/api/orchestrator/dags/etl_pipeline/favorite", headers=chained, timeout=30
    ).raise_for_status()
    rows = httpx.get(
        f"{proxied_api}/api/orchestrator/audit",
        params={"user": "otto", "dag_id": "etl_pipeline", "limit": 1},
        headers=ada,
        timeout=30,
    ).json()["entries"]
    assert rows[0]["ip_address"] == person, rows
