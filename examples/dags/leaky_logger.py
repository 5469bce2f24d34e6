"""A task whose log holds secrets and internal addresses, to prove Airdeck redacts them."""

from __future__ import annotations

import logging

import pendulum
from airflow.sdk import dag, task

log = logging.getLogger(__name__)


@dag(
    dag_id="leaky_logger",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["security", "example"],
    default_args={"owner": "platform"},
)
def leaky_logger() -> None:
    """Log the kinds of secrets real tasks leak by accident, next to harmless text."""

    @task
    def leak() -> None:
        # Fake credentials, shaped like real ones; none of them opens anything.
        log.info("connecting to postgresql://etl:S3cretPassw0rd@10.20.30.40:5432/warehouse")
        log.info("calling the API with Authorization: Bearer tok_live_9f8e7d6c5b4a")
        log.info("aws_access_key_id=AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMIK7")
        log.info("peer fd00:1234::42 and gateway 192.168.7.1 answered; resolver 8.8.8.8 is fine")
        log.info("config loaded: password=hunter22 region=eu")

    leak()


leaky_logger()
