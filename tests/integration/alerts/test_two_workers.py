"""Two real ``airdeck worker`` processes on one PostgreSQL product DB, one real failed task in
the test Airflow, one loopback webhook receiver: the failure is delivered exactly once. Each
worker re-reads the failure every cycle (a long overlap), so both see the event again and
again while the other records and sends it; only the dedup key unique in the DB and the
attempt check keep the second copy from leaving."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from airdeck_adapters.db import migrate
from airdeck_adapters.db.alert_services import AlertDeliveryService
from airdeck_adapters.db.engine import create_engine
from airdeck_adapters.db.models import AlertDelivery
from airdeck_api.alerts.heartbeat import heartbeat_path, last_beat
from airdeck_domain.alerts.rules import RuleSpec, Selector, TaskFailed, Webhook
from tests.integration.cli.cli_runs import AIRDECK
from tests.support.airflow_runs import task_instance, trigger_run, wait_for_run
from tests.support.alert_rules import add_rule
from tests.support.databases import temporary_database
from tests.support.webhooks import Receiver

pytestmark = pytest.mark.integration
WORKERS = 2
FAILING_ITEM = 7
"""mapped_fanout's ``process`` rejects this item (it has no retries); the run goes on."""


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    with temporary_database("postgresql", tmp_path) as url:
        migrate.upgrade(url)
        yield url


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.close()


def posts_for(receiver: Receiver, run_id: str) -> list[tuple[str, dict[str, Any]]]:
    """The deliveries of ``run_id`` the receiver got: their key and body."""
    found = []
    for headers, body in list(receiver.received):
        event = json.loads(body)
        if event.get("run_id") == run_id:
            found.append((headers["X-Airdeck-Delivery"], event))
    return found


async def deliveries_of_run(database_url: str, run_id: str) -> list[AlertDelivery]:
    engine = create_engine(database_url)
    try:
        async with async_sessionmaker(engine)() as session:
            rows = await AlertDeliveryService(session=session).get_many(
                AlertDelivery.run_id == run_id
            )
            return list(rows)
    finally:
        await engine.dispose()


def test_two_workers_deliver_a_real_failure_exactly_once(
    airflow: Any,
    api_env: dict[str, str],
    database_url: str,
    receiver: Receiver,
    tmp_path: Path,
) -> None:
    spec = RuleSpec(
        name="fan-out failures",
        selector=Selector(deployment="default", dag_id="mapped_fanout"),
        conditions=[TaskFailed()],
        channels=[Webhook(url=receiver.url)],
    )
    asyncio.run(add_rule(database_url, spec))
    workers: list[subprocess.Popen[bytes]] = []
    logs = [tmp_path / f"worker-{n}.log" for n in range(WORKERS)]
    data_dirs = [tmp_path / f"data-{n}" for n in range(WORKERS)]
    for log, data_dir in zip(logs, data_dirs, strict=True):
        env = {
            **os.environ,
            **api_env,
            "AIRDECK_DATABASE_URL": database_url,
            # A heartbeat each: both are seen cycling after the delivery.
            "AIRDECK_DATA_DIR": str(data_dir),
            "AIRDECK_ALERTS_INTERVAL": "1",
            # Every cycle reads the last ten minutes again: the event fires in each of them.
            "AIRDECK_ALERTS_OVERLAP": "600",
        }
        workers.append(
            subprocess.Popen(
                [AIRDECK, "worker"], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
            )
        )

    def explain() -> str:
        return "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)

    try:
        run_id = f"two_workers__{uuid.uuid4().hex[:8]}"
        trigger_run(airflow, "mapped_fanout", run_id=run_id, conf={"count": FAILING_ITEM + 1})
        wait_for_run(airflow, "mapped_fanout", run_id)
        failed = task_instance(airflow, "mapped_fanout", run_id, "process", FAILING_ITEM)
        assert failed is not None and failed["state"] == "failed"

        deadline = time.monotonic() + 120
        while not posts_for(receiver, run_id) and time.monotonic() < deadline:
            assert all(w.poll() is None for w in workers), explain()
            time.sleep(0.5)
        assert posts_for(receiver, run_id), explain()
        delivered = max(receiver.arrived)

        # Both go on cycling, each seeing the event again, well after the delivery.
        def cycled_since_delivery(data_dir: Path) -> bool:
            beat = last_beat(heartbeat_path(data_dir))
            return beat is not None and beat.finished_at > delivered + timedelta(seconds=5)

        deadline = time.monotonic() + 120
        while not all(map(cycled_since_delivery, data_dirs)) and time.monotonic() < deadline:
            assert all(w.poll() is None for w in workers), explain()
            time.sleep(0.5)
        assert all(map(cycled_since_delivery, data_dirs)), explain()
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        codes = [worker.wait(60) for worker in workers]
    assert codes == [0] * WORKERS, explain()

    ((key, event),) = posts_for(receiver, run_id)
    assert (event["kind"], event["task_id"], event["delivery"]) == ("task_failed", "process", key)
    # Whatever else the rule caught (failures of earlier runs), no key arrived twice either.
    keys = receiver.deliveries()
    assert len(keys) == len(set(keys))
    (row,) = asyncio.run(deliveries_of_run(database_url, run_id))
    assert (row.dedup_key, row.status, row.attempts) == (key, "sent", 1)
    for log in logs:
        assert "alert cycle" in log.read_text(), f"{log.name} never saw the event\n{explain()}"
