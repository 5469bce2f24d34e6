"""Dynamic task mapping: `process` fans out over params.count items, some fail on purpose."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pendulum

try:
    from airflow.sdk import Param, TriggerRule, dag, get_current_context, task
except ImportError:  # Airflow 2 has no Task SDK: the same names from their 2.x modules
    from airflow.decorators import dag, task
    from airflow.models.param import Param
    from airflow.operators.python import get_current_context
    from airflow.utils.trigger_rule import TriggerRule

log = logging.getLogger(__name__)


@dag(
    dag_id="mapped_fanout",
    # A name for people, unlike the id: Airdeck's pages head with it and show the id beside.
    dag_display_name="Mapped fan-out → summary",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["mapping", "example"],
    default_args={"owner": "platform", "retries": 0},
    params={
        "count": Param(
            120,
            type="integer",
            minimum=1,
            maximum=2000,
            description="How many mapped `process` instances to create (more than 100 pages).",
        )
    },
)
def mapped_fanout() -> None:
    """Fan out over `count` items (those with item % 25 == 7 fail), then report and summarize."""

    # Retried, unlike the mapped work: only an interrupted worker can fail it, and the tests
    # read this run's mapped instances, which exist only once it succeeds.
    @task(retries=2, retry_delay=timedelta(seconds=2))
    def make_items() -> list[int]:
        params: dict[str, Any] = get_current_context()["params"]
        return list(range(int(params["count"])))

    @task
    def process(item: int) -> int:
        if item % 25 == 7:
            raise ValueError(f"item {item} is rejected on purpose (item % 25 == 7)")
        return item * 2

    @task(trigger_rule=TriggerRule.ONE_FAILED)
    def report_failures() -> None:
        log.info("at least one item failed; a report would be sent here")

    @task(trigger_rule=TriggerRule.ALL_DONE)
    def summarize() -> None:
        log.info("all items finished")

    processed = process.expand(item=make_items())
    processed >> [report_failures(), summarize()]


mapped_fanout()
