"""Rate limits hold across two API processes that share Redis."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import redis

from tests.integration.security.conftest import LOCAL_USERS
from tests.support.ports import free_port

pytestmark = pytest.mark.integration
REDIS_URL = "redis://127.0.0.1:6379/0"


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
    ports = [free_port(), free_port()]
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
    statuses: Any = [
        httpx.post(
            f"{(first, second)[i % 2]}/api/auth/token",
            json={"username": "otto", "password": "guess"},
        ).status_code
        for i in range(11)
    ]
    assert statuses == [401] * 10 + [429]
