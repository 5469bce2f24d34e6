"""Migrations upgrade an empty DB and downgrade cleanly, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import inspect

from airdeck_adapters.db import migrate
from airdeck_adapters.db.engine import create_engine

pytestmark = pytest.mark.integration
TABLES = {
    "pipeline_metadata",
    "user_favorites",
    "saved_run_configs",
    "audit_log",
    "triggered_runs",
    "idempotency_keys",
}


async def tables(url: str) -> set[str]:
    engine = create_engine(url)
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


async def test_upgrade_downgrade_upgrade(empty_database: str) -> None:
    # Alembic's env runs its own event loop: call it from a thread, as the API does.
    assert await asyncio.to_thread(migrate.current, empty_database) == ""
    assert not await asyncio.to_thread(migrate.is_current, empty_database)
    await asyncio.to_thread(migrate.upgrade, empty_database)
    assert await asyncio.to_thread(migrate.is_current, empty_database)
    assert await tables(empty_database) == TABLES
    await asyncio.to_thread(migrate.downgrade, empty_database, "base")
    assert await tables(empty_database) == set()
    assert await asyncio.to_thread(migrate.current, empty_database) == ""
    await asyncio.to_thread(migrate.upgrade, empty_database)
    assert await tables(empty_database) == TABLES
