"""Failure-to-delivery latency of alerts at default settings (issue 17's target: within 30 s),
measured over a few real failures and printed with the median and the worst.

Run through ``make bench`` (dev/bench.sh), or on its own from the repository root against any
Airflow 3 that has loaded the example DAGs, with that Airflow's login in ``AIRDECK_AIRFLOW_URL``,
``AIRDECK_AIRFLOW_USERNAME`` and ``AIRDECK_AIRFLOW_PASSWORD`` (source dev/airflow/env.sh with
the Airflow's ``AIRDECK_AIRFLOW_PORT`` and ``AIRDECK_AIRFLOW_HOME``):
``python -m tests.bench.bench_alerts``. PostgreSQL must answer on 127.0.0.1:5432 (user
postgres, trust): the product DB is a throwaway database there, as in production.

One ``airdeck worker`` process runs at its default settings (every ``AIRDECK_ALERTS_*`` of the
caller's environment is left out) with one rule: a failed task of ``mapped_fanout``, sent to a
webhook receiver on loopback. Then, one run after another, the example DAG ``mapped_fanout`` is
triggered with 8 items, the 8th of which its ``process`` task rejects (no retries): the figure
is the time from that task instance's ``end_date`` in Airflow to the webhook request for that
run arriving at the receiver. The worker reads Airflow every ``AIRDECK_ALERTS_INTERVAL``
(10 s), so a failure waits for the next cycle: expect about half an interval on average.
Knob: AIRDECK_BENCH_ALERT_RUNS (5) failures measured.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from airdeck_adapters.db import migrate
from airdeck_api.alerts.heartbeat import heartbeat_path, last_beat
from airdeck_api.settings import AlertSettings
from airdeck_domain.alerts.rules import RuleSpec, Selector, TaskFailed, Webhook
from tests.bench.bench_api import verdict
from tests.conftest import AirflowLogin
from tests.support.airflow_runs import task_instance, trigger_run
from tests.support.alert_rules import add_rule
from tests.support.databases import temporary_database
from tests.support.webhooks import Receiver

RUNS = int(os.environ.get("AIRDECK_BENCH_ALERT_RUNS", "5"))
TARGET_SECONDS = 30.0
DAG_ID, TASK_ID, FAILING_ITEM = "mapped_fanout", "process", 7
RUN_TIMEOUT = 600.0
"""How long one run may take to fail and be delivered before the benchmark gives up."""


@contextmanager
def running_worker(database_url: str, data_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``airdeck worker`` at its default settings on ``database_url``, once it has finished its
    first cycle (so its start is not measured); stopped after."""
    env = {name: value for name, value in os.environ.items() if "_ALERTS_" not in name}
    env.update(
        {
            "AIRDECK_DATABASE_URL": database_url,
            "AIRDECK_DATA_DIR": str(data_dir),
            # Settings are read as the API's: local mode wants a user, whom nobody uses here.
            "AIRDECK_AUTH_MODE": "local",
            "AIRDECK_LOCAL_USERS": f"bench:{uuid.uuid4().hex}:viewer",
        }
    )
    log = data_dir / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "airdeck_api.cli", "worker"],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while last_beat(heartbeat_path(data_dir)) is None:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the worker did not cycle:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        process.wait(30)


def arrival(receiver: Receiver, run_id: str, worker: subprocess.Popen[bytes]) -> datetime:
    """When the webhook request for ``run_id`` arrived; waits for it."""
    deadline = time.monotonic() + RUN_TIMEOUT
    while time.monotonic() < deadline:
        for (_, body), arrived in zip(receiver.received, receiver.arrived, strict=False):
            if json.loads(body).get("run_id") == run_id:
                return arrived
        if worker.poll() is not None:
            raise SystemExit("the worker exited")
        time.sleep(0.05)
    raise SystemExit(f"no alert for {run_id} within {RUN_TIMEOUT:.0f} s")


def failed_at(login: AirflowLogin, run_id: str) -> datetime:
    """The ``end_date`` Airflow recorded for the failed task instance of ``run_id``."""
    instance = task_instance(login, DAG_ID, run_id, TASK_ID, FAILING_ITEM)
    if instance is None or instance["state"] != "failed" or not instance["end_date"]:
        raise SystemExit(f"{DAG_ID}.{TASK_ID}[{FAILING_ITEM}] of {run_id} did not fail: {instance}")
    return datetime.fromisoformat(instance["end_date"])


def measure(login: AirflowLogin, database_url: str) -> list[tuple[str, float]]:
    """Each run's id and its failure-to-delivery latency in seconds."""
    receiver = Receiver().start()
    spec = RuleSpec(
        name="bench: fan-out failures",
        selector=Selector(dag_id=DAG_ID),
        conditions=[TaskFailed()],
        channels=[Webhook(url=receiver.url)],
    )
    asyncio.run(add_rule(database_url, spec))
    latencies = []
    try:
        with (
            tempfile.TemporaryDirectory(prefix="airdeck-bench-alerts-") as data_dir,
            running_worker(database_url, Path(data_dir)) as worker,
        ):
            for n in range(RUNS):
                run_id = f"bench_alerts__{uuid.uuid4().hex[:8]}"
                trigger_run(login, DAG_ID, run_id=run_id, conf={"count": FAILING_ITEM + 1})
                delivered = arrival(receiver, run_id, worker)
                seconds = (delivered - failed_at(login, run_id)).total_seconds()
                print(f"  {n + 1}/{RUNS} {run_id}: {seconds:5.1f} s", flush=True)
                latencies.append((run_id, seconds))
    finally:
        receiver.close()
    return latencies


def main() -> int:
    login = AirflowLogin(
        os.environ["AIRDECK_AIRFLOW_URL"],
        os.environ["AIRDECK_AIRFLOW_USERNAME"],
        os.environ["AIRDECK_AIRFLOW_PASSWORD"],
    )
    defaults = AlertSettings()
    print(f"Machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the start")
    print(
        f"Alert latency at default settings (interval {defaults.interval:g} s, overlap "
        f"{defaults.overlap:g} s): {RUNS} runs of {DAG_ID} on {login.url}, each failing "
        f"{TASK_ID}[{FAILING_ITEM}];\nfrom that task's end_date in Airflow to the webhook "
        "request arriving on loopback (product DB: PostgreSQL)"
    )
    with temporary_database("postgresql", Path(tempfile.gettempdir())) as database_url:
        migrate.upgrade(database_url)
        seconds = [latency for _, latency in measure(login, database_url)]
    median, worst = statistics.median(seconds), max(seconds)
    print(f"\nmedian {median:.1f} s, max {worst:.1f} s, min {min(seconds):.1f} s")
    print(f"Load average at the end: {os.getloadavg()[0]:.1f}")
    print("\nTargets")
    print(
        f"  failure to delivery within {TARGET_SECONDS:.0f} s at default settings: "
        f"max {worst:.1f} s  {verdict(worst <= TARGET_SECONDS)}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
