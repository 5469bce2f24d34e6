"""Each request observed, with the Airflow it would ask unreachable (no services needed): its id
on every answer (401s and 429s included, and those Litestar sends from outside the middleware
stack), one JSON access line, the id on every log line it writes, and a 429 counted."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from airdeck_adapters.db import migrate
from airdeck_api.access_log import request_answered, request_scope
from airdeck_api.app import create_app
from airdeck_api.log_config import install_handler, structlog_config
from airdeck_api.request_id import sane
from airdeck_api.settings import Settings
from tests.support.people import mint
from tests.support.ports import free_port
from tests.unit.api.metric_samples import counted

P = "/api/orchestrator"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data_dir = tmp_path_factory.mktemp("observed")
    database_url = f"sqlite+aiosqlite:///{data_dir / 'airdeck.db'}"
    migrate.upgrade(database_url)
    return {
        "AIRDECK_AIRFLOW_URL": f"http://127.0.0.1:{free_port()}",
        "AIRDECK_AIRFLOW_USERNAME": "airdeck",
        "AIRDECK_LOCAL_USERS": "ann:pw:admin",
        "AIRDECK_DATA_DIR": str(data_dir),
        "AIRDECK_DATABASE_URL": database_url,
    }


def app_of(env: dict[str, str], **overrides: str) -> Litestar:
    return create_app(Settings.from_env({**env, **overrides}))


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("3f2a9c1e-77b4-4c1e-9f7a-2d9b0c1e5a44", True),
        ("01HZX3K5Q6R7S8T9V0W1X2Y3Z4", True),
        ("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f", False),
        ("a b", False),
        ('evil"}{', False),
        ("", False),
        ("x" * 129, False),
        ("é", False),
    ],
)
def test_sane_request_ids(value: str, kept: bool) -> None:
    assert sane(value) is kept


async def test_every_answer_carries_the_request_id(env: dict[str, str]) -> None:
    async with AsyncTestClient(app=app_of(env), timeout=30) as client:
        ids: list[str] = []
        for method, path, headers, status in [
            ("GET", "/livez", {}, 200),
            ("GET", f"{P}/dags", {}, 401),  # no token: refused by the route's guard
            ("GET", f"{P}/dags", {"Authorization": "Bearer bad"}, 401),  # refused outside
            ("GET", "/no/such/route", {}, 404),  # no route at all
            ("DELETE", "/livez", {}, 405),
        ]:
            chosen = f"req-{len(ids)}"
            answer = await client.request(method, path, headers={"X-Request-ID": chosen, **headers})
            assert answer.status_code == status, (path, answer.text)
            assert answer.headers["x-request-id"] == chosen, path
            anonymous = await client.request(method, path, headers=headers)
            ids.append(anonymous.headers["x-request-id"])
        assert len(set(ids)) == len(ids) and all(len(i) == 32 for i in ids)
        replaced = await client.get("/livez", headers={"X-Request-ID": "not sane"})
        assert replaced.headers["x-request-id"] != "not sane"
        assert len(replaced.headers.get_list("x-request-id")) == 1


async def test_a_rate_limited_request_is_counted_and_carries_its_id(env: dict[str, str]) -> None:
    person = mint(Path(env["AIRDECK_DATA_DIR"]), "limited-person")
    app = app_of(env, AIRDECK_RATE_LIMITS="health=1/minute")
    rejected = counted("airdeck_rate_limit_rejections_total", group="health")
    labels = {"method": "GET", "route": f"{P}/health", "status": "429"}
    answered = counted("airdeck_http_requests_total", **labels)
    async with AsyncTestClient(app=app, timeout=30) as client:
        client.headers.update(person.headers)
        first = await client.get(f"{P}/health")
        assert first.status_code == 200 and first.json()["reachable"] is False
        second = await client.get(f"{P}/health", headers={"X-Request-ID": "over-the-limit"})
        assert second.status_code == 429
        assert second.headers["x-request-id"] == "over-the-limit"
    assert counted("airdeck_rate_limit_rejections_total", group="health") == rejected + 1
    assert counted("airdeck_http_requests_total", **labels) == answered + 1


def access_lines(err: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("logger") == "airdeck.access"]


async def test_access_lines_are_json_with_the_request_id_and_no_token(
    env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    app = app_of(env)  # its log handler writes to this test's captured stderr
    async with AsyncTestClient(app=app, timeout=30) as client:
        live = await client.get("/livez", headers={"X-Request-ID": "live-1"})
        refused = await client.get(
            f"{P}/dags/etl%2Bx/runs?state=failed",
            headers={"Authorization": "Bearer my-secret-token-value"},
        )
    err = capsys.readouterr().err
    assert "my-secret-token-value" not in err
    lines = {line["request_id"]: line for line in access_lines(err)}
    first = lines["live-1"]
    assert {k: first[k] for k in ("event", "level", "method", "route", "path", "status")} == {
        "event": "request",
        "level": "info",
        "method": "GET",
        "route": "/livez",
        "path": "/livez",
        "status": 200,
    }
    assert first["duration_ms"] >= 0 and first["timestamp"].endswith("Z")
    second = lines[refused.headers["x-request-id"]]
    assert (second["route"], second["status"]) == (f"{P}/dags/{{dag_id}}/runs", 401)
    assert (first["query"], second["query"]) == (None, "state=failed")
    assert second["path"] == f"{P}/dags/etl%2Bx/runs", "the path as sent, percent-encoded"
    assert live.headers["x-request-id"] == "live-1"


@get("/work", sync_to_thread=False)
def work() -> str:
    logging.getLogger("airdeck.work").warning("working on it")
    return "done"


@pytest.mark.parametrize("log_format", ["json", "console"])
async def test_every_line_a_request_writes_carries_its_id(
    capsys: pytest.CaptureFixture[str], log_format: str
) -> None:
    app = Litestar(
        [work],
        middleware=[request_scope],
        before_send=[request_answered],
        logging_config=structlog_config(),
    )
    install_handler(log_format)  # type: ignore[arg-type]
    async with AsyncTestClient(app=app) as client:
        answer = await client.get("/work")
    chosen = answer.headers["x-request-id"]
    err = capsys.readouterr().err
    (worked,) = [line for line in err.splitlines() if "working on it" in line]
    if log_format == "json":
        line = json.loads(worked)
        assert (line["request_id"], line["level"], line["logger"]) == (
            chosen,
            "warning",
            "airdeck.work",
        )
    else:
        assert f"request_id={chosen}" in worked and not worked.startswith("{")
