"""``airdeck-api``: run the API (``serve``, the default) and migrate its product DB (``db``,
advanced-alchemy's Alembic commands)."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click
import uvicorn
from advanced_alchemy.cli import add_migration_commands
from advanced_alchemy.config import SQLAlchemyAsyncConfig

from airdeck_adapters.db.engine import database_config
from airdeck_api.app import create_app
from airdeck_api.settings import Settings, SettingsError

APP_FACTORY = "airdeck_api.app:create_app"
"""What each worker process imports and calls to build its app."""


def settings_or_exit() -> Settings:
    """The settings; exits 2 with every configuration problem listed when they are invalid."""
    try:
        return Settings.from_env()
    except SettingsError as exc:
        click.echo(exc, err=True)
        sys.exit(2)


@click.group(name="airdeck-api", invoke_without_command=True)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Airdeck Orchestrator API."""
    if ctx.invoked_subcommand is None:
        serve(settings_or_exit())


@main.command(name="serve")
def serve_command() -> None:
    """Run the API in the foreground (the default)."""
    serve(settings_or_exit())


@main.group(
    # Never ask before migrating: `make db-upgrade`, the demo and containers run unattended.
    context_settings={
        "default_map": {"upgrade": {"no_prompt": True}, "downgrade": {"no_prompt": True}}
    }
)
@click.pass_context
def db(ctx: click.Context) -> None:
    """Product DB migrations of AIRDECK_DATABASE_URL."""
    ctx.obj = {
        "configs": [database_config(settings_or_exit().storage.database_url, SQLAlchemyAsyncConfig)]
    }
    # Alembic names each migration it runs through logging, as its own CLI shows.
    logging.basicConfig(format="%(message)s")
    logging.getLogger("alembic").setLevel(logging.INFO)


add_migration_commands(db)
db.add_command(db.commands["show-current-revision"], name="current")  # the name it had before


def serve(settings: Settings) -> None:
    """Run the API; with ``AIRDECK_API_WORKERS`` above 1, as that many processes on one port,
    each building the app from the environment (they share cache and limits through Redis)."""
    options: dict[str, Any] = {
        "host": settings.http.host,
        "port": settings.http.port,
        "log_level": "info",
        "proxy_headers": False,
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


if __name__ == "__main__":
    main(prog_name="airdeck-api")
