"""Daily ETL: extract, validate, branch to a full load (skipping the incremental one), publish."""

from __future__ import annotations

import logging

import pendulum

try:
    from airflow.sdk import TriggerRule, dag, task
except ImportError:  # Airflow 2 has no Task SDK: the same names from their 2.x modules
    from airflow.decorators import dag, task
    from airflow.utils.trigger_rule import TriggerRule

log = logging.getLogger(__name__)


@dag(
    dag_id="etl_pipeline",
    schedule="@daily",
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["etl", "example"],
    default_args={"owner": "data-eng"},
)
def etl_pipeline() -> None:
    """Extract the day's orders, validate them, load them in full and publish the result."""

    @task
    def extract() -> list[dict[str, int]]:
        return [{"order_id": n, "amount": n * 10} for n in range(1, 6)]

    @task
    def validate(rows: list[dict[str, int]]) -> int:
        if any(row["amount"] <= 0 for row in rows):
            raise ValueError("an order has no amount")
        log.info("validated %d rows", len(rows))
        return len(rows)

    @task.branch
    def choose_load(row_count: int) -> str:
        # A small day is reloaded in full; the incremental path is shown skipped in the UI.
        return "load_full" if row_count < 1000 else "load_incremental"

    @task
    def load_full() -> None:
        log.info("full load done")

    @task
    def load_incremental() -> None:
        log.info("incremental load done")

    @task(trigger_rule=TriggerRule.NONE_FAILED_MIN_ONE_SUCCESS)
    def publish() -> None:
        log.info("published")

    branch = choose_load(validate(extract()))
    branch >> [load_full(), load_incremental()] >> publish()


etl_pipeline()
