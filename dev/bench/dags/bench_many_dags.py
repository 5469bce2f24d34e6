"""Benchmark DAGs: 500 small DAGs (bench_many_000 … bench_many_499) for the DAG list.

Loaded only by the benchmark's Airflow (dev/bench.sh), never by the test suite's. Each is a
three-task chain with no schedule, so the scheduler leaves them alone and they parse fast.
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG

COUNT = 500

for number in range(COUNT):
    with DAG(
        dag_id=f"bench_many_{number:03d}",
        schedule=None,
        start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
        catchup=False,
        tags=["bench", f"bench-team-{number % 10}"],
        default_args={"owner": f"team-{number % 10}"},
    ):
        (
            EmptyOperator(task_id="extract")
            >> EmptyOperator(task_id="transform")
            >> EmptyOperator(task_id="load")
        )
