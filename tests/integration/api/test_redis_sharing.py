"""Redis shares the cache and the rate limits between API processes (``AIRDECK_API_WORKERS``),
and a Redis that is down costs nothing but the sharing. Against the real Redis and Airflow."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from litestar import Litestar

from tests.support.people import Person
from tests.support.ports import free_port
from tests.support.processes import stop
from tests.support.served_api import Served

pytestmark = pytest.mark.integration

PREFIX = "/api/orchestrator"

REDIS_URL = "redis://127.0.0.1:6379/0"
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def redis_prefix() -> str:
    """A Redis namespace of this test's own (cache and limits), so no other run meets it."""
    return f"airdeck-test-{uuid.uuid4().hex[:8]}"


def path(*parts: str) -> str:
    return PREFIX + "".join("/" + quote(p, safe="") for p in parts)


def command_of(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            if f"\nPPid:\t{pid}\n" in status:
                found.append(int(entry.name))
    return found


@pytest.fixture
def two_workers(
    api_env: dict[str, str], airflow: Any, redis_prefix: str, tmp_path: Path
) -> Iterator[str]:
    """``airdeck-api serve`` with two worker processes sharing Redis; yields its URL."""
    port = free_port()
    env = {
        **os.environ,
        **api_env,
        "AIRDECK_API_PORT": str(port),
        "AIRDECK_API_WORKERS": "2",
        "AIRDECK_REDIS_URL": REDIS_URL,
        "AIRDECK_RATE_LIMIT_PREFIX": redis_prefix,
        "AIRDECK_RATE_LIMITS": "",
    }
    log = (tmp_path / "api.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "airdeck_api.cli", "serve"],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):
            try:
                if httpx.get(url + "/schema/openapi.json", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None:
                raise AssertionError((tmp_path / "api.log").read_text())
            time.sleep(0.1)
        else:
            raise AssertionError("the API with two workers did not start")
        workers = [c for c in children_of(server.pid) if "spawn_main" in command_of(c)]
        assert len(workers) == 2, f"expected two worker processes, found {workers}"
        yield url
    finally:
        stop(server)
        log.close()


async def test_worker_processes_share_the_cache_and_the_limits(
    two_workers: str, make_app: Any, redis_prefix: str, person: Person
) -> None:
    # Another API process, whose Airflow is unreachable, on the same Redis.
    cut_off: Litestar = make_app(
        AIRDECK_AIRFLOW_URL=f"http://127.0.0.1:{free_port()}",
        AIRDECK_REDIS_URL=REDIS_URL,
        AIRDECK_RATE_LIMIT_PREFIX=redis_prefix,
        AIRDECK_RATE_LIMITS="",
    )
    # One person, whose requests every process counts together.
    async with httpx.AsyncClient(
        base_url=two_workers, headers=person.headers, timeout=60
    ) as workers:
        structure = await workers.get(path("dags", "etl_pipeline", "structure"))
        assert structure.status_code == 200, structure.text
        listed = await workers.get(path("dags"), params={"limit": 10})
        assert listed.status_code == 200, listed.text
        async with Served(cut_off, person.headers) as other:
            # What the workers read from Airflow, the other process serves from Redis.
            shared = await other.client.get(path("dags", "etl_pipeline", "structure"))
            assert shared.status_code == 200, shared.text
            assert shared.json() == structure.json()
            shared_list = await other.client.get(path("dags"), params={"limit": 10})
            assert shared_list.status_code == 200, shared_list.text
            assert shared_list.json()["dags"] == listed.json()["dags"]
            # The default health limit (60 a minute) counts every process's requests together.
            for _ in range(30):
                assert (await workers.get(path("health"))).status_code == 200
                assert (await other.client.get(path("health"))).status_code == 200
            refused = await workers.get(path("health"))
            assert refused.status_code == 429, refused.text
            assert (await other.client.get(path("health"))).status_code == 429


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


async def test_a_redis_that_is_down_fails_no_request_and_is_logged_once(
    make_app: Any, person: Person
) -> None:
    app: Litestar = make_app(
        AIRDECK_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", AIRDECK_RATE_LIMITS=""
    )
    recorder = _Recorder()
    loggers = [logging.getLogger(name) for name in ("airdeck.cache", "airdeck.ratelimit")]
    for logger in loggers:
        logger.addHandler(recorder)
    try:
        async with Served(app, person.headers) as served:
            for _ in range(2):
                for route in (
                    path("dags"),
                    path("dags", "etl_pipeline"),
                    path("dags", "etl_pipeline", "structure"),
                    path("health"),
                ):
                    response = await served.client.get(route)
                    assert response.status_code == 200, (route, response.text)
            assert "RateLimit-Limit" in response.headers, "limits still hold, per process"
    finally:
        for logger in loggers:
            logger.removeHandler(recorder)
    messages = recorder.messages
    assert sum("Redis cache unavailable" in m for m in messages) == 1, messages
    assert sum("Redis rate-limit storage unavailable" in m for m in messages) == 1, messages
