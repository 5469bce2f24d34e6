"""``airdeck serve``: the API in the foreground, in one process or several on one port."""

from __future__ import annotations

import os
import sys
from typing import Any

import click
import uvicorn

from airdeck_api.app import create_app
from airdeck_api.cli.configuration import settings_or_exit
from airdeck_api.log_config import configure_logging
from airdeck_api.metrics import prepare_multiprocess
from airdeck_api.settings import Settings

APP_FACTORY = "airdeck_api.app:create_app"
"""What each worker process imports and calls to build its app."""


@click.command(name="serve")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="API processes serving the port (overrides AIRDECK_API_WORKERS; above 1, set "
    "AIRDECK_REDIS_URL so they share cache and rate limits).",
)
def serve_command(workers: int | None) -> None:
    """Run the API in the foreground on AIRDECK_API_HOST:AIRDECK_API_PORT."""
    if workers is not None:
        # In the environment, not only in these settings: every worker process reads it again
        # to build its app, and shares out the Airflow calls in flight by it.
        os.environ["AIRDECK_API_WORKERS"] = str(workers)
    serve(settings_or_exit())


def serve(settings: Settings) -> None:
    """Run the API; with ``AIRDECK_API_WORKERS`` above 1, as that many processes on one port,
    each building the app from the environment (they share cache and limits through Redis)."""
    configure_logging(settings.observability.log_format)
    prepare_multiprocess(settings)
    options: dict[str, Any] = {
        "host": settings.http.host,
        "port": settings.http.port,
        "log_level": "info",
        "proxy_headers": False,
        # The API's own access log (with request ids) replaces uvicorn's, and uvicorn's other
        # lines go through the API's handler, so every line has one format.
        "log_config": None,
        "access_log": False,
    }
    if settings.http.workers > 1:
        if not settings.redis.url:
            print(
                "warning: AIRDECK_API_WORKERS > 1 without AIRDECK_REDIS_URL: each process keeps "
                "its own cache and rate-limit counts",
                file=sys.stderr,
            )
        uvicorn.run(APP_FACTORY, factory=True, workers=settings.http.workers, **options)
    else:
        uvicorn.run(create_app(settings), **options)
