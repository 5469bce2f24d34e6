"""Every DB test runs on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from advanced_alchemy.config import SQLAlchemyAsyncConfig
from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_adapters.db import migrate
from airdeck_adapters.db.engine import database_config
from tests.support.databases import KINDS, temporary_database


@pytest.fixture(params=KINDS)
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with temporary_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def database(empty_database: str) -> str:
    migrate.upgrade(empty_database)
    return empty_database


@pytest.fixture
async def session(database: str) -> AsyncIterator[AsyncSession]:
    config = database_config(database, SQLAlchemyAsyncConfig)
    async with config.get_session() as db_session:
        yield db_session
    await config.get_engine().dispose()
