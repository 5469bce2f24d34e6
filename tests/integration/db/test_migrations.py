"""Migrations upgrade an empty DB and downgrade cleanly, on SQLite and PostgreSQL, through
advanced-alchemy's Alembic commands (what ``airdeck-api db`` runs)."""

from __future__ import annotations

import asyncio

import pytest
from advanced_alchemy.alembic.commands import AlembicCommands
from advanced_alchemy.config import SQLAlchemyAsyncConfig
from sqlalchemy import inspect

from airdeck_adapters.db import migrate
from airdeck_adapters.db.engine import create_engine, database_config

pytestmark = pytest.mark.integration
TABLES = {
    "pipeline_metadata",
    "user_favorites",
    "saved_run_configs",
    "audit_log",
    "triggered_runs",
    "idempotency_keys",
    "alert_rules",
    "alert_deliveries",
    "alert_cursors",
    "connectors",
}
VERSIONS = {"alembic_version"}  # Alembic's own name, which DBs migrated before keep using


async def tables(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names


async def revisions(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return await migrate.revisions(engine)
    finally:
        await engine.dispose()


async def is_current(url: str) -> bool:
    engine = create_engine(url)
    try:
        return await migrate.is_current(engine)
    finally:
        await engine.dispose()


def downgrade_to_base(url: str) -> None:
    AlembicCommands(database_config(url, SQLAlchemyAsyncConfig)).downgrade("base")


async def test_upgrade_downgrade_upgrade(empty_database: str) -> None:
    # Alembic's env runs its own event loop: call it from a thread.
    assert await revisions(empty_database) == set()
    assert not await is_current(empty_database)
    await asyncio.to_thread(migrate.upgrade, empty_database)
    assert await is_current(empty_database)
    assert await tables(empty_database) == TABLES | VERSIONS
    await asyncio.to_thread(downgrade_to_base, empty_database)
    assert await tables(empty_database) == VERSIONS
    assert await revisions(empty_database) == set()
    assert not await is_current(empty_database)
    await asyncio.to_thread(migrate.upgrade, empty_database)
    assert await tables(empty_database) == TABLES | VERSIONS
    assert await is_current(empty_database)
