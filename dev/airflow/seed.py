"""Give the demo Airflow some history: unpause the example DAGs and trigger one run of each that
has none yet, then wait (bounded) while printing progress. Safe to run again: DAGs that already
have runs are left alone.

Usage: .airdeck/venv/bin/python dev/airflow/seed.py [--timeout SECONDS]
Reads AIRDECK_AIRFLOW_URL/USERNAME/PASSWORD (source dev/airflow/env.sh first).
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
FINISHED = {"success", "failed"}


def connect() -> httpx.Client:
    """A client for /api/v2 authenticated as Airdeck's service account."""
    base = os.environ["AIRDECK_AIRFLOW_URL"]
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


def seed(api: httpx.Client) -> dict[str, str]:
    """Unpause every seeded DAG; trigger those without runs. Returns DAG id -> new run id."""
    triggered: dict[str, str] = {}
    for dag_id, conf in SEEDS.items():
        path = f"/dags/{quote(dag_id, safe='')}"
        api.patch(path, json={"is_paused": False}).raise_for_status()
        runs = api.get(f"{path}/dagRuns", params={"limit": 1}).raise_for_status().json()
        if runs["total_entries"]:
            print(f"    {dag_id}: has {runs['total_entries']} run(s) already")
            continue
        run = api.post(f"{path}/dagRuns", json={"logical_date": None, "conf": conf})
        run.raise_for_status()
        triggered[dag_id] = run.json()["dag_run_id"]
        print(f"    {dag_id}: triggered {triggered[dag_id]}")
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
    args = parser.parse_args()
    try:
        with connect() as api:
            runs = seed(api)
            if runs:
                print(f"    waiting for {len(runs)} run(s), at most {args.timeout:.0f}s")
                wait(api, runs, args.timeout)
    except httpx.HTTPError as exc:
        print(f"seeding Airflow failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
