"""ingestion → miner → analyzer → writer → report, each stage calling the local example service."""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from datetime import timedelta
from typing import Any

import pendulum

try:
    from airflow.sdk import dag, get_current_context, task
except ImportError:  # Airflow 2 has no Task SDK: the same names from their 2.x modules
    from airflow.decorators import dag, task
    from airflow.operators.python import get_current_context

log = logging.getLogger(__name__)

# dev/airflow/start.sh runs the service beside Airflow and passes its address to every task.
SERVICE_URL = os.environ.get("AIRDECK_EXAMPLE_SERVICE_URL", "http://127.0.0.1:8090")


def call_stage(stage: str, payload: Any) -> dict[str, Any]:
    """POST one stage's input to the example service and return its JSON answer."""
    body = json.dumps({"run_id": get_current_context()["run_id"], "input": payload}).encode()
    request = urllib.request.Request(
        f"{SERVICE_URL}/stages/{stage}",
        data=body,
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        result: dict[str, Any] = json.load(response)
    log.info("%s answered: %s", stage, result)
    return result


@dag(
    dag_id="service_pipeline",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["service", "example"],
    default_args={"owner": "ml-platform", "retries": 2, "retry_delay": timedelta(seconds=2)},
)
def service_pipeline() -> None:
    """Move a batch through five services over HTTP; each call is retried if the service fails."""

    @task
    def ingestion() -> dict[str, Any]:
        return call_stage("ingestion", None)

    @task
    def miner(ingested: dict[str, Any]) -> dict[str, Any]:
        return call_stage("miner", ingested)

    @task
    def analyzer(mined: dict[str, Any]) -> dict[str, Any]:
        return call_stage("analyzer", mined)

    @task
    def writer(analyzed: dict[str, Any]) -> dict[str, Any]:
        return call_stage("writer", analyzed)

    @task
    def report(written: dict[str, Any]) -> dict[str, Any]:
        return call_stage("report", written)

    report(writer(analyzer(miner(ingestion()))))


service_pipeline()
