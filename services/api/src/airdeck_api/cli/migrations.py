"""``airdeck db``: the product DB's migrations, advanced-alchemy's Alembic commands."""

from __future__ import annotations

import logging

import click
from advanced_alchemy.cli import add_migration_commands
from advanced_alchemy.config import SQLAlchemyAsyncConfig

from airdeck_adapters.db.engine import database_config
from airdeck_api.cli.configuration import settings_or_exit


@click.group(
    name="db",
    # Never ask before migrating: `make db-upgrade`, the demo and containers run unattended.
    context_settings={
        "default_map": {"upgrade": {"no_prompt": True}, "downgrade": {"no_prompt": True}}
    },
)
@click.pass_context
def db(ctx: click.Context) -> None:
    """Product DB migrations of AIRDECK_DATABASE_URL (upgrade, downgrade, current, …)."""
    ctx.obj = {
        "configs": [database_config(settings_or_exit().storage.database_url, SQLAlchemyAsyncConfig)]
    }
    # Alembic names each migration it runs through logging, as its own CLI shows.
    logging.basicConfig(format="%(message)s")
    logging.getLogger("alembic").setLevel(logging.INFO)


add_migration_commands(db)
db.add_command(db.commands["show-current-revision"], name="current")  # the name it had before
