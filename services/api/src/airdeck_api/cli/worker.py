"""``airdeck worker``: the alert engine in the foreground (README, "Alerts")."""

from __future__ import annotations

import asyncio
import signal
from contextlib import suppress
from datetime import timedelta

import click
from sqlalchemy.ext.asyncio import async_sessionmaker

from airdeck_adapters.airflow import Deployments
from airdeck_adapters.alerts.channels import Channels
from airdeck_adapters.db import migrate
from airdeck_adapters.db.engine import create_engine
from airdeck_api.alerts.delivery import Deliveries, utc_now
from airdeck_api.alerts.heartbeat import heartbeat_path, last_beat, unhealthy_reason
from airdeck_api.alerts.worker import AlertWorker
from airdeck_api.cli.configuration import settings_or_exit
from airdeck_api.cli.exit_codes import BadSetup, ExitCode
from airdeck_api.log_config import configure_logging
from airdeck_api.settings import Settings


@click.command(name="worker")
@click.option("--once", is_flag=True, help="Run one cycle and exit (for cron or a check).")
@click.option(
    "--check",
    is_flag=True,
    help="Exit 0 when this host's worker finished a cycle lately (three intervals, 30 s at "
    "least), else 1 saying why: a container health check.",
)
def worker_command(once: bool, check: bool) -> None:
    """Evaluate the alert rules every AIRDECK_ALERTS_INTERVAL seconds and deliver what fires.
    Run one worker per product DB (two are safe, each reads Airflow); a restarted worker
    picks up where the last one stopped."""
    if once and check:
        raise click.UsageError("--once runs a cycle and --check reads the heartbeat: give one")
    settings = settings_or_exit()
    if check:
        check_heartbeat(settings)
        return
    configure_logging(settings.observability.log_format)
    asyncio.run(run_worker(settings, once=once))


def check_heartbeat(settings: Settings) -> None:
    """Say how recently this host's worker finished a cycle; exit 1 when too long ago."""
    path = heartbeat_path(settings.storage.data_dir)
    heartbeat = last_beat(path)
    reason = unhealthy_reason(heartbeat, utc_now())
    if reason is not None or heartbeat is None:
        click.echo(f"unhealthy: {reason} ({path})", err=True)
        raise click.exceptions.Exit(ExitCode.FAILED)
    click.echo(
        f"healthy: the worker (pid {heartbeat.pid}) finished a cycle at "
        f"{heartbeat.finished_at.isoformat(timespec='seconds')}"
    )


async def run_worker(settings: Settings, *, once: bool = False) -> None:
    """Build the worker from ``settings`` and run it until SIGINT/SIGTERM (or one cycle)."""
    engine = create_engine(settings.storage.database_url)
    if not await migrate.is_current(engine):
        await engine.dispose()
        raise BadSetup(
            "The product DB is not at the current schema. Run `airdeck db upgrade` first."
        )
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    alerts = settings.alerts
    deployments = Deployments(settings.airflow.deployments)
    channels = Channels(smtp=alerts.smtp)
    deliveries = Deliveries(
        sessions,
        channels,
        max_attempts=alerts.max_attempts,
        lease=timedelta(seconds=alerts.send_lease),
        retry_after=timedelta(seconds=alerts.interval),
    )
    worker = AlertWorker(
        sessions,
        deployments,
        deliveries,
        overlap=timedelta(seconds=alerts.overlap),
        lookback=timedelta(seconds=alerts.lookback),
    )
    try:
        if once:
            report = await worker.cycle()
            click.echo(
                f"events {report.events}, recorded {report.recorded}, sent {report.sent}, "
                f"failed {report.failed}"
            )
            return
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        await worker.run_forever(
            alerts.interval, stop, heartbeat=heartbeat_path(settings.storage.data_dir)
        )
    finally:
        await channels.aclose()
        await deployments.aclose()
        await engine.dispose()
