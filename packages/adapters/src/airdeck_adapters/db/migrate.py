"""The product DB's schema. ``airdeck-api db …`` is advanced-alchemy's Alembic CLI; this module
holds what code needs besides it: migrating a DB from a script or a test, and the check the API
makes before it serves."""

from __future__ import annotations

from advanced_alchemy.alembic.commands import AlembicCommands
from advanced_alchemy.config import SQLAlchemyAsyncConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from airdeck_adapters.db.engine import MIGRATIONS, VERSION_TABLE, database_config


def upgrade(url: str) -> None:
    """Migrate the DB at ``url`` to the newest revision, as ``airdeck-api db upgrade`` does.
    Alembic's environment runs an event loop of its own: call this from a thread when one is
    running."""
    AlembicCommands(database_config(url, SQLAlchemyAsyncConfig)).upgrade()


async def revisions(engine: AsyncEngine) -> set[str]:
    """The revisions the DB behind ``engine`` is at (none before its first migration)."""

    def read(connection: Connection) -> tuple[str, ...]:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_heads()

    async with engine.connect() as connection:
        return set(await connection.run_sync(read))


async def is_current(engine: AsyncEngine) -> bool:
    """Whether the DB behind ``engine`` has every migration the code ships applied."""
    return await revisions(engine) == set(ScriptDirectory(str(MIGRATIONS)).get_heads())
