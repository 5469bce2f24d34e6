"""Benchmark DAG bench_runs_1000: daily, with exactly 1,000 intervals, all in the past
(2023-01-01 to 2025-09-26), and one EmptyOperator task: a DAG with 1,000 finished runs for the
DAG overview's figures.

Loaded only by the benchmark's Airflow (dev/bench.sh). The scheduler never starts a run of it on
its own (catchup is off and its end date has passed): tests/bench/bench_overview.py gives it its
runs through one Airflow backfill, which creates all 1,000 at once, where catchup creates one
per scheduler loop (about 20 minutes on a busy 2-core machine). The scheduler marks an
EmptyOperator successful itself, so no worker runs anything.
"""

from __future__ import annotations

import pendulum
from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG

RUNS = 1000
START = pendulum.datetime(2023, 1, 1, tz="UTC")

with DAG(
    dag_id="bench_runs_1000",
    schedule="@daily",
    start_date=START,
    end_date=START.add(days=RUNS - 1),
    catchup=False,
    tags=["bench"],
    default_args={"owner": "bench"},
):
    EmptyOperator(task_id="done")
