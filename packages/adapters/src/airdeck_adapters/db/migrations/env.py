"""Alembic environment for advanced-alchemy's commands: its ``AlembicCommandConfig`` carries
the engine (built by ``airdeck_adapters.db.engine``), the version table and the options."""

from __future__ import annotations

import asyncio
from typing import Any

from advanced_alchemy.alembic.commands import AlembicCommandConfig
from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from airdeck_adapters.db import models


def _command_config() -> AlembicCommandConfig:
    config = context.config
    if not isinstance(config, AlembicCommandConfig):
        raise TypeError("run through advanced-alchemy's AlembicCommands (`airdeck-api db …`)")
    return config


config = _command_config()


def _options() -> dict[str, Any]:
    return {
        "target_metadata": models.PipelineMetadata.metadata,  # every product table shares it
        "version_table": config.version_table_name,
        "version_table_schema": config.version_table_schema,
        "version_table_pk": config.version_table_pk,
        # Batch operations in generated scripts, so one script alters SQLite (by copy) and
        # PostgreSQL alike.
        "render_as_batch": config.render_as_batch,
        "compare_type": config.compare_type,
        "user_module_prefix": config.user_module_prefix,
    }


def _run(connection: Connection) -> None:
    context.configure(connection=connection, **_options())
    with context.begin_transaction():
        context.run_migrations()


async def _run_online() -> None:
    engine = config.engine
    if not isinstance(engine, AsyncEngine):
        raise TypeError("the product DB's engine is async")
    async with engine.connect() as connection:
        await connection.run_sync(_run)
    # This event loop ends here: no pooled connection may outlive it.
    await engine.dispose()


if context.is_offline_mode():  # `--sql`: the script is written out, nothing runs
    context.configure(url=config.db_url, literal_binds=True, **_options())
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_online())
