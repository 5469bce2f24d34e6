"""``airdeck serve`` and ``airdeck db`` for real: the installed command serving on a port of
the tests' own with two worker processes, and migrating a new SQLite DB."""

from __future__ import annotations

import asyncio
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from airdeck_adapters.db import migrate
from airdeck_adapters.db.engine import create_engine
from airdeck_api.cli import main
from tests.integration.cli.cli_runs import AIRDECK, explain
from tests.support.people import Person
from tests.support.ports import free_port
from tests.support.processes import stop

pytestmark = pytest.mark.integration
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def serving(api_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """``airdeck serve --workers 2`` on a port of the tests' own (sharing Redis, as several
    workers should); yields its URL and its log once it answers, and stops it afterwards."""
    port = free_port()
    env = {
        **os.environ,
        **api_env,
        "AIRDECK_API_PORT": str(port),
        "AIRDECK_API_WORKERS": "1",
        "AIRDECK_REDIS_URL": REDIS_URL,
        "AIRDECK_RATE_LIMIT_PREFIX": f"airdeck-test-{uuid.uuid4().hex[:8]}",
    }
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [AIRDECK, "serve", "--workers", "2"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(1200):
                try:
                    if httpx.get(f"{url}/schema/openapi.json", timeout=5).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None, log_path.read_text()
                time.sleep(0.1)
            else:
                raise AssertionError(f"airdeck serve never answered:\n{log_path.read_text()}")
            yield url, log_path
        finally:
            stop(server)


async def test_serve_answers_with_the_workers_asked_for(
    serving: tuple[str, Path], person: Person
) -> None:
    url, log = serving
    runner = CliRunner(env={"AIRDECK_API_URL": url, "AIRDECK_TOKEN": person.token})
    health = await asyncio.to_thread(runner.invoke, main, ["health"], prog_name="airdeck")
    assert health.exit_code in (0, 1), explain(health)
    assert "scheduler" in health.stdout
    # --workers 2 overrode AIRDECK_API_WORKERS=1: uvicorn started two server processes.
    assert log.read_text().count("Started server process") == 2, log.read_text()


async def test_db_upgrade_then_current_on_a_new_sqlite(
    api_env: dict[str, str], tmp_path: Path
) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
    env = {**os.environ, **api_env, "AIRDECK_DATABASE_URL": database_url}

    def airdeck_db(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [AIRDECK, "db", command], env=env, capture_output=True, text=True, timeout=120
        )

    upgraded = await asyncio.to_thread(airdeck_db, "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "Running upgrade" in upgraded.stderr
    engine = create_engine(database_url)
    try:
        assert await migrate.is_current(engine)
    finally:
        await engine.dispose()

    current = await asyncio.to_thread(airdeck_db, "current")
    assert current.returncode == 0, current.stderr
    assert current.stdout.strip().endswith("(head)"), current.stdout
