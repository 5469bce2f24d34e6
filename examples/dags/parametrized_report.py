"""A report whose params carry a JSON schema: a region enum, bounded days, an optional email."""

from __future__ import annotations

import logging
from typing import Any

import pendulum

try:
    from airflow.sdk import Param, dag, get_current_context, task
except ImportError:  # Airflow 2 has no Task SDK: the same names from their 2.x modules
    from airflow.decorators import dag, task
    from airflow.models.param import Param
    from airflow.operators.python import get_current_context

log = logging.getLogger(__name__)


@dag(
    dag_id="parametrized_report",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["reports", "example"],
    default_args={"owner": "analytics"},
    params={
        "region": Param(
            "eu",
            type="string",
            enum=["eu", "us", "apac"],
            title="Region",
            description="Which region's sales the report covers.",
        ),
        "days": Param(
            7,
            type="integer",
            minimum=1,
            maximum=31,
            title="Days",
            description="How many days back the report looks (1 to 31).",
        ),
        "email": Param(
            None,
            type=["null", "string"],
            title="Email",
            description="Where to send the report; leave empty to only keep it in the logs.",
        ),
    },
)
def parametrized_report() -> None:
    """Build a sales report for one region over the last `days` days."""

    @task
    def build_report() -> dict[str, Any]:
        params: dict[str, Any] = get_current_context()["params"]
        report = {"region": params["region"], "days": params["days"], "total": 42 * params["days"]}
        log.info("report: %s", report)
        return report

    @task
    def deliver(report: dict[str, Any]) -> None:
        email = get_current_context()["params"].get("email")
        log.info(
            "report for %s %s", report["region"], f"sent to {email}" if email else "kept in logs"
        )

    deliver(build_report())


parametrized_report()
