"""``airdeck worker`` for real: the installed command, on a product DB of its own, delivers a
missed deadline of the real daily DAG to a loopback receiver, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import msgspec
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from airdeck_adapters.db import migrate
from airdeck_adapters.db.alert_services import AlertRuleService
from airdeck_adapters.db.engine import create_engine
from airdeck_adapters.db.models import AlertRuleRow
from airdeck_domain.alerts.rules import Deadline, RuleSpec, Selector, Webhook
from tests.integration.cli.cli_runs import AIRDECK
from tests.support.airflow_runs import ensure_run
from tests.support.webhooks import Receiver

pytestmark = pytest.mark.integration


async def add_rule(database_url: str, spec: RuleSpec) -> None:
    engine = create_engine(database_url)
    async with async_sessionmaker(engine)() as session:
        await AlertRuleService(session=session).create(
            AlertRuleRow(name=spec.name, definition=msgspec.to_builtins(spec), created_by="t"),
            auto_commit=True,
        )
    await engine.dispose()


def test_the_worker_delivers_then_stops_on_sigterm(
    airflow: Any, api_env: dict[str, str], tmp_path: Path
) -> None:
    # The daily DAG unpaused with a run: a deadline at 00:00 of today is missed whatever ran.
    ensure_run(airflow, "etl_pipeline", "manual__alerts+deadline", {})
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'worker.db'}"
    migrate.upgrade(database_url)
    receiver = Receiver().start()
    spec = RuleSpec(
        name="etl by midnight",
        selector=Selector(deployment="default", dag_id="etl_pipeline"),
        conditions=[Deadline(at="00:00", timezone="UTC")],
        channels=[Webhook(url=receiver.url)],
    )
    asyncio.run(add_rule(database_url, spec))
    env = {
        **os.environ,
        **api_env,
        "AIRDECK_DATABASE_URL": database_url,
        "AIRDECK_ALERTS_INTERVAL": "1",
        "AIRDECK_ALERTS_ALLOW_PRIVATE_URLS": "true",
    }
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen([AIRDECK, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not receiver.received and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(receiver.received) == 1, (tmp_path / "worker.log").read_text()
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
        receiver.close()
        log.close()
    assert len(receiver.received) == 1  # later cycles found the same event already delivered
