"""A task whose log holds secrets and internal addresses, to prove Airdeck redacts them.

It prints a (fake) PEM private key twice: as one multi-line log message, and line by line on
stdout with ``params.key_line_pause`` seconds between lines, so that a reader tailing the
running task gets the key split across several fetches.
"""

from __future__ import annotations

import base64
import hashlib
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

# Built from parts so that secret scanners don't take this example for a committed key.
_KEY_KIND = "PRIVATE " + "KEY"


def fake_private_key() -> list[str]:
    """A PEM block shaped like an RSA key: 64-character base64 lines of hashed bytes."""
    body = b"".join(hashlib.sha512(f"airdeck-fake-key-{n}".encode()).digest() for n in range(6))
    encoded = base64.b64encode(body).decode()
    lines = [encoded[start : start + 64] for start in range(0, len(encoded), 64)]
    return [f"-----BEGIN {_KEY_KIND}-----", *lines, f"-----END {_KEY_KIND}-----"]


@dag(
    dag_id="leaky_logger",
    schedule=None,
    start_date=pendulum.datetime(2025, 1, 1, tz="UTC"),
    catchup=False,
    tags=["security", "example"],
    default_args={"owner": "platform"},
    params={
        "key_line_pause": Param(
            0.0,
            type="number",
            minimum=0,
            maximum=10,
            description="Seconds between the lines of the private key printed on stdout.",
        ),
    },
)
def leaky_logger() -> None:
    """Log the kinds of secrets real tasks leak by accident, next to harmless text."""

    @task
    def leak() -> None:
        params: dict[str, Any] = get_current_context()["params"]
        pause = float(params["key_line_pause"])
        # Fake credentials, shaped like real ones; none of them opens anything.
        log.info("connecting to postgresql://etl:S3cretPassw0rd@10.20.30.40:5432/warehouse")
        log.info("calling the API with Authorization: Bearer tok_live_9f8e7d6c5b4a")
        log.info("aws_access_key_id=AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMIK7")
        log.info("peer fd00:1234::42 and gateway 192.168.7.1 answered; resolver 8.8.8.8 is fine")
        log.info("config loaded: password=hunter22 region=eu")
        log.info('yaml password: "correct horse battery" and ini password="p;ss0rdQ"')
        log.info("query string pass=abc&defQ9 and dsn postgres://app:p@ssQ7@db.example.com/x")
        log.info("running psql --password SwordFishQ3 with PGPASSWORD hunter2Q4 set")
        log.info("API Key: apikeyvalueQ5 sent with Authorization: Token tokenvalueQ6")
        log.info("google ya29.a0AfH6SMBxQ8 stripe sk_live_4eC39HqLyjWDarjtT1zQ")
        log.info("gitlab glpat-Q2x8kd93jfkeLmR4vP1s openai sk-proj-Q1a2b3c4d5e6f7g8h9i0")
        log.info("pod 100.64.12.34 is up; doc hosts 192.0.2.10 and 2001:db8::10; max_tokens=100")
        key = fake_private_key()
        log.info("loaded deploy key:\n%s", "\n".join(key))
        for line in key:
            print(line, flush=True)
            time.sleep(pause)
        log.info("deploy key written")

    leak()


leaky_logger()
