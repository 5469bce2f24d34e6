"""A slow task that logs one line a second for params.seconds seconds (for live log tailing),
after a log group of params.warmup_lines lines (for folding, and for logs longer than a
viewer holds)."""

from __future__ import annotations

import logging
import time
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
    dag_id="slow_logger",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["logs", "example"],
    default_args={"owner": "platform"},
    params={
        "seconds": Param(
            45,
            type="integer",
            minimum=1,
            maximum=3600,
            description="How long `tick` keeps logging.",
        ),
        "warmup_lines": Param(
            0,
            type="integer",
            minimum=0,
            maximum=20000,
            description="Lines logged at once, inside a log group, before the ticks.",
        ),
    },
)
def slow_logger() -> None:
    """Log a numbered tick every second, then succeed."""

    @task
    def tick() -> None:
        params: dict[str, Any] = get_current_context()["params"]
        seconds = int(params["seconds"])
        warmup = int(params["warmup_lines"])
        # Airflow turns these markers into a foldable group in its log events.
        log.info("::group::Warm-up")
        log.info("warming up with %d lines", warmup)
        for n in range(1, warmup + 1):
            log.info("warm-up line %d of %d", n, warmup)
        log.info("::endgroup::")
        for n in range(1, seconds + 1):
            log.info("tick %d of %d", n, seconds)
            time.sleep(1)
        log.info("done after %d ticks", seconds)

    tick()


slow_logger()
