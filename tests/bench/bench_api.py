"""API latency against direct Airflow calls, and the API process's memory.

Run with the test Airflow up (make bench does it): python tests/bench/bench_api.py
Starts the API as a real uvicorn process on loopback, then times each pair of requests:
Airdeck's route vs the Airflow call(s) it stands for. Prints p50/p95 and the ratio.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from airdeck_adapters.db import migrate

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = int(os.environ.get("AIRDECK_BENCH_ROUNDS", "40"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timed(fn: Callable[[], httpx.Response]) -> list[float]:
    fn()  # warm-up (token, caches, connections)
    samples = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        response = fn()
        samples.append((time.perf_counter() - t0) * 1000)
        response.raise_for_status()
    return samples


def pct(samples: list[float], q: float) -> float:
    return statistics.quantiles(samples, n=100)[int(q) - 1]


def rss_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(x for x in status.splitlines() if x.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def main() -> int:
    url = os.environ["AIRDECK_AIRFLOW_URL"]
    user = os.environ["AIRDECK_AIRFLOW_USERNAME"]
    password = os.environ["AIRDECK_AIRFLOW_PASSWORD"]
    port = free_port()
    data_dir = Path(tempfile.mkdtemp(prefix="airdeck-bench-"))
    database_url = f"sqlite+aiosqlite:///{data_dir / 'airdeck.db'}"
    migrate.upgrade(database_url)
    env = {
        **os.environ,
        "AIRDECK_API_PORT": str(port),
        "AIRDECK_AUTH_MODE": "dev",
        "AIRDECK_DATA_DIR": str(data_dir),
        "AIRDECK_DATABASE_URL": database_url,
        # Measuring speed, not limits.
        "AIRDECK_RATE_LIMITS": "reads=1000000/minute,logs=1000000/minute,health=1000000/minute",
    }
    api = subprocess.Popen(
        [sys.executable, "-m", "airdeck_api.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(base + "/schema/openapi.json", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        else:
            raise SystemExit("the API did not start")
        airflow = httpx.Client(base_url=url, timeout=30)
        token = airflow.post("/auth/token", json={"username": user, "password": password}).json()
        airflow.headers["Authorization"] = f"Bearer {token['access_token']}"
        ours = httpx.Client(base_url=base + "/api/orchestrator", timeout=30)

        runs = airflow.get(
            "/api/v2/dags/mapped_fanout/dagRuns",
            params={"limit": 1, "order_by": "-run_after"},
        ).json()
        mapped_run = runs["dag_runs"][0]["dag_run_id"] if runs["dag_runs"] else None

        def direct_tis() -> httpx.Response:
            first = airflow.get(
                f"/api/v2/dags/mapped_fanout/dagRuns/{mapped_run}/taskInstances",
                params={"limit": 100},
            )
            for offset in range(100, first.json()["total_entries"], 100):
                airflow.get(
                    f"/api/v2/dags/mapped_fanout/dagRuns/{mapped_run}/taskInstances",
                    params={"limit": 100, "offset": offset},
                )
            return first

        pairs: list[tuple[str, Callable[[], httpx.Response], Callable[[], httpx.Response]]] = [
            (
                "DAG list (25)",
                lambda: ours.get("/dags"),
                lambda: airflow.get("/api/v2/dags", params={"limit": 25}),
            ),
            (
                "DAG detail",
                lambda: ours.get("/dags/etl_pipeline"),
                lambda: airflow.get("/api/v2/dags/etl_pipeline/details"),
            ),
            (
                "structure (laid out)",
                lambda: ours.get("/dags/grouped_pipeline/structure"),
                lambda: airflow.get("/api/v2/dags/grouped_pipeline/tasks"),
            ),
            ("health", lambda: ours.get("/health"), lambda: airflow.get("/api/v2/monitor/health")),
        ]
        if mapped_run:
            pairs.append(
                (
                    "run tasks (mapped, >100 TIs)",
                    lambda: ours.get(f"/dags/mapped_fanout/runs/{mapped_run}/tasks"),
                    direct_tis,
                )
            )
        print(
            f"{'route':32} {'airdeck p50':>12} {'p95':>8} "
            f"{'airflow p50':>12} {'p95':>8} {'ratio':>7}"
        )
        for name, mine, theirs in pairs:
            a, b = timed(mine), timed(theirs)
            ratio = statistics.median(a) / statistics.median(b)
            print(
                f"{name:32} {statistics.median(a):10.1f}ms {pct(a, 95):6.1f}ms "
                f"{statistics.median(b):10.1f}ms {pct(b, 95):6.1f}ms {ratio:6.2f}x"
            )
        print(f"API process RSS after the run: {rss_mib(api.pid):.0f} MiB")
    finally:
        api.terminate()
        api.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
