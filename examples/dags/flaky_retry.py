"""A task that fails on its first try and succeeds on the retry, then `done`."""

from __future__ import annotations

import logging
from datetime import timedelta

import pendulum

try:
    from airflow.sdk import dag, get_current_context, task
except ImportError:  # Airflow 2 has no Task SDK: the same names from their 2.x modules
    from airflow.decorators import dag, task
    from airflow.operators.python import get_current_context

log = logging.getLogger(__name__)


@dag(
    dag_id="flaky_retry",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["retries", "example"],
    default_args={"owner": "platform"},
)
def flaky_retry() -> None:
    """Show a retry in the UI: `flaky` fails once, succeeds on try 2."""

    @task(retries=1, retry_delay=timedelta(seconds=2))
    def flaky() -> None:
        try_number = get_current_context()["ti"].try_number
        if try_number == 1:
            raise RuntimeError("first try fails on purpose; the retry succeeds")
        log.info("succeeded on try %d", try_number)

    @task
    def done() -> None:
        log.info("done")

    flaky() >> done()


flaky_retry()
