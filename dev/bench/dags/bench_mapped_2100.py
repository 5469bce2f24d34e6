"""Benchmark DAG bench_mapped_2100: one task mapped over 2,100 items (more than 20 pages of
Airflow's 100-row limit), then a summary.

Loaded only by the benchmark's Airflow (dev/bench.sh), which triggers one run, waits for the
2,100 instances to exist and marks the run successful rather than running them all.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, task

ITEMS = 2100


@dag(
    dag_id="bench_mapped_2100",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["bench", "mapping"],
    default_args={"owner": "bench"},
)
def bench_mapped_2100() -> None:
    @task(max_active_tis_per_dagrun=1)
    def item(number: int) -> int:
        return number

    @task
    def summary() -> None:
        return None

    item.expand(number=list(range(ITEMS))) >> summary()


bench_mapped_2100()
