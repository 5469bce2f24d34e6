"""``airdeck worker --check`` against a real ``airdeck worker`` process cycling against the test
Airflow (a rule makes it read Airflow every cycle): unhealthy before its first cycle, healthy while it cycles, still healthy just after it
is frozen (SIGSTOP: alive, not cycling) and unhealthy once the window has gone by, healthy
again once it runs on; it stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from airdeck_adapters.db import migrate
from airdeck_api.alerts.heartbeat import MIN_WINDOW
from airdeck_domain.alerts.rules import RuleSpec, Selector, TaskFailed, Webhook
from tests.integration.cli.cli_runs import AIRDECK
from tests.support.alert_rules import add_rule
from tests.support.webhooks import Receiver

pytestmark = pytest.mark.integration


@pytest.fixture
def worker_env(api_env: dict[str, str], tmp_path: Path) -> Iterator[dict[str, str]]:
    """A worker of its own: a fresh product DB holding one rule on the daily DAG's failed
    tasks, its own data dir."""
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'worker.db'}"
    migrate.upgrade(database_url)
    receiver = Receiver().start()
    spec = RuleSpec(
        name="etl failures",
        selector=Selector(deployment="default", dag_id="etl_pipeline"),
        conditions=[TaskFailed()],
        channels=[Webhook(url=receiver.url)],
    )
    asyncio.run(add_rule(database_url, spec))
    yield {
        **os.environ,
        **api_env,
        "AIRDECK_DATABASE_URL": database_url,
        "AIRDECK_DATA_DIR": str(tmp_path / "data"),
        "AIRDECK_ALERTS_INTERVAL": "1",
    }
    receiver.close()


@pytest.fixture
def worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [AIRDECK, "worker"], env=worker_env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGCONT)
            process.kill()
            process.wait(30)
        log.close()


def check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [AIRDECK, "worker", "--check"], env=env, capture_output=True, text=True, timeout=60
    )


def until(env: dict[str, str], code: int, seconds: float) -> subprocess.CompletedProcess[str]:
    """Run the check until it exits ``code``; fail after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        result = check(env)
        if result.returncode == code or time.monotonic() > deadline:
            assert result.returncode == code, result.stdout + result.stderr
            return result
        time.sleep(1)


def test_the_check_follows_a_real_worker_cycling_freezing_and_stopping(
    worker_env: dict[str, str], worker: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    healthy = until(worker_env, 0, seconds=90)
    assert worker.poll() is None, log.read_text()
    assert f"(pid {worker.pid})" in healthy.stdout

    worker.send_signal(signal.SIGSTOP)
    # Its last cycle is a second or two old: within the window, the check still vouches.
    assert check(worker_env).returncode == 0
    stale = until(worker_env, 1, seconds=MIN_WINDOW.total_seconds() + 30)
    assert f"(pid {worker.pid})" in stale.stderr and "stuck, stopped" in stale.stderr

    worker.send_signal(signal.SIGCONT)
    until(worker_env, 0, seconds=60)
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(60) == 0, log.read_text()
