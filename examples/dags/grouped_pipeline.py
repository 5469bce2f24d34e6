"""Task groups: `extract`, then `transform` holding a nested `clean` group, then `load`."""

from __future__ import annotations

import logging

import pendulum

try:
    from airflow.sdk import dag, task, task_group
except ImportError:  # Airflow 2 has no Task SDK: the same names from their 2.x modules
    from airflow.decorators import dag, task, task_group

log = logging.getLogger(__name__)


@dag(
    dag_id="grouped_pipeline",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["groups", "example"],
    default_args={"owner": "data-eng"},
)
def grouped_pipeline() -> None:
    """Extract orders and customers, clean and enrich them in nested groups, then load."""

    @task_group(group_id="extract")
    def extract() -> None:
        @task
        def orders() -> None:
            log.info("orders extracted")

        @task
        def customers() -> None:
            log.info("customers extracted")

        orders()
        customers()

    @task_group(group_id="transform")
    def transform() -> None:
        @task_group(group_id="clean")
        def clean() -> None:
            @task
            def dedupe() -> None:
                log.info("duplicates removed")

            @task
            def normalize() -> None:
                log.info("fields normalized")

            dedupe() >> normalize()

        @task
        def enrich() -> None:
            log.info("orders joined with customers")

        clean() >> enrich()

    @task
    def load() -> None:
        log.info("loaded")

    extract() >> transform() >> load()


grouped_pipeline()
