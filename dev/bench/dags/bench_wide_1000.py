"""Benchmark DAG bench_wide_1000: 1,000 tasks in 20 task groups of 50, the groups in a chain.

Loaded only by the benchmark's Airflow (dev/bench.sh). Big enough that reading its tasks and
laying it out costs real time, so the structure and graph routes show what caching saves.
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG, TaskGroup

GROUPS = 20
PER_GROUP = 50

with DAG(
    dag_id="bench_wide_1000",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["bench"],
    default_args={"owner": "bench"},
):
    previous: list[EmptyOperator] = []
    for g in range(GROUPS):
        with TaskGroup(group_id=f"stage_{g:02d}"):
            tasks = [EmptyOperator(task_id=f"step_{t:02d}") for t in range(PER_GROUP)]
        # Each task waits for its namesake in the stage before: 1,000 tasks, 950 edges.
        for before, after in zip(previous, tasks, strict=False):
            before >> after
        previous = tasks
