"""Give the demo Airflow some history: unpause the example DAGs and trigger one run of each that
has none yet, then wait (bounded) while printing progress; on Airflow 3, also a run that waits for
a person's approval (the inbox's first request), not waited for. Safe to run again: DAGs that
already have runs are left alone.

Usage: .airdeck/venv/bin/python dev/airflow/seed.py [--timeout SECONDS] [--api v2|v1]
Reads AIRDECK_AIRFLOW_URL/USERNAME/PASSWORD (source dev/airflow/env.sh first). ``--api v1`` seeds
an Airflow 2 (/api/v1, basic auth; dev/demo.sh passes its settings under the same names).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any
from urllib.parse import quote

import httpx

# DAG id -> conf of its seed run. slow_logger is short here so the demo settles quickly.
SEEDS: dict[str, dict[str, Any]] = {
    "etl_pipeline": {},
    "grouped_pipeline": {},
    "flaky_retry": {},
    "service_pipeline": {},
    "parametrized_report": {"region": "us", "days": 14},
    "slow_logger": {"seconds": 10},
    "mapped_fanout": {},
}
# An Airflow 2 on SQLite runs one task at a time: a smaller fan-out keeps its seeding short.
SEEDS_V1: dict[str, dict[str, Any]] = {**SEEDS, "mapped_fanout": {"count": 12}}
# Seeded on Airflow 3 but never waited for: their runs wait for a person, in the inbox.
AWAITING_A_PERSON: dict[str, dict[str, Any]] = {"approval_flow": {}}
FINISHED = {"success", "failed"}


def connect(api: str) -> httpx.Client:
    """A client for the REST API authenticated as Airdeck's service account: a token for
    Airflow 3's /api/v2, basic auth for Airflow 2's /api/v1."""
    base = os.environ["AIRDECK_AIRFLOW_URL"]
    if api == "v1":
        return httpx.Client(
            base_url=f"{base}/api/v1",
            auth=(os.environ["AIRDECK_AIRFLOW_USERNAME"], os.environ["AIRDECK_AIRFLOW_PASSWORD"]),
            timeout=30,
        )
    token = httpx.post(
        f"{base}/auth/token",
        json={
            "username": os.environ["AIRDECK_AIRFLOW_USERNAME"],
            "password": os.environ["AIRDECK_AIRFLOW_PASSWORD"],
        },
        timeout=30,
    )
    token.raise_for_status()
    return httpx.Client(
        base_url=f"{base}/api/v2",
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        timeout=30,
    )


def seed(api: httpx.Client, version: str) -> dict[str, str]:
    """Unpause every seeded DAG; trigger those without runs. Returns DAG id -> new run id of the
    runs to wait for."""
    triggered: dict[str, str] = {}
    seeds = SEEDS_V1 if version == "v1" else {**SEEDS, **AWAITING_A_PERSON}
    for dag_id, conf in seeds.items():
        path = f"/dags/{quote(dag_id, safe='')}"
        api.patch(path, json={"is_paused": False}).raise_for_status()
        runs = api.get(f"{path}/dagRuns", params={"limit": 1}).raise_for_status().json()
        if runs["total_entries"]:
            print(f"    {dag_id}: has {runs['total_entries']} run(s) already")
            continue
        # Airflow 3 needs a logical date (null: now); Airflow 2 refuses a null one.
        body = {"conf": conf} if version == "v1" else {"logical_date": None, "conf": conf}
        run = api.post(f"{path}/dagRuns", json=body)
        run.raise_for_status()
        run_id = run.json()["dag_run_id"]
        if dag_id in AWAITING_A_PERSON:
            print(f"    {dag_id}: triggered {run_id} (it waits for a person's approval)")
            continue
        triggered[dag_id] = run_id
        print(f"    {dag_id}: triggered {run_id}")
    return triggered


def wait(api: httpx.Client, runs: dict[str, str], timeout: float) -> None:
    """Print each run's final state as it finishes; give up quietly after `timeout` seconds."""
    pending = dict(runs)
    deadline = time.monotonic() + timeout
    started = time.monotonic()
    while pending and time.monotonic() < deadline:
        for dag_id, run_id in list(pending.items()):
            path = f"/dags/{quote(dag_id, safe='')}/dagRuns/{quote(run_id, safe='')}"
            state = api.get(path).raise_for_status().json()["state"]
            if state in FINISHED:
                del pending[dag_id]
                done, elapsed = len(runs) - len(pending), time.monotonic() - started
                print(f"    [{done}/{len(runs)}] {dag_id} {state} after {elapsed:.0f}s")
        time.sleep(2)
    if pending:
        left = ", ".join(pending)
        print(f"    still running after {timeout:.0f}s (they finish on their own): {left}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--timeout", type=float, default=240)
    parser.add_argument("--api", choices=("v2", "v1"), default="v2")
    args = parser.parse_args()
    try:
        with connect(args.api) as api:
            runs = seed(api, args.api)
            if runs:
                print(f"    waiting for {len(runs)} run(s), at most {args.timeout:.0f}s")
                wait(api, runs, args.timeout)
    except httpx.HTTPError as exc:
        print(f"seeding Airflow failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
