"""The service layer without Airflow: a ``FakeAirflow`` at the edge, and a real product DB (a
migrated SQLite file, copied for each test) behind the services that keep data."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from advanced_alchemy.config import SQLAlchemyAsyncConfig
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from airdeck_adapters.cache import MemoryCache
from airdeck_adapters.db import migrate
from airdeck_adapters.db.engine import database_config
from airdeck_api.services.cached import SharedCache
from tests.fakes.airflow import FakeAirflow
from tests.support.service_requests import ServiceRequests


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A product DB file at the newest migration, made once per session."""
    folder = tmp_path_factory.mktemp("product-db")
    migrate.upgrade(f"sqlite+aiosqlite:///{folder / 'airdeck.db'}")
    return folder


@pytest.fixture
async def sessions(
    migrated_db: Path, tmp_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions of a fresh copy of the migrated product DB."""
    folder = tmp_path / "db"
    shutil.copytree(migrated_db, folder)
    config = database_config(f"sqlite+aiosqlite:///{folder / 'airdeck.db'}", SQLAlchemyAsyncConfig)
    yield config.create_session_maker()
    await config.get_engine().dispose()


@pytest.fixture
async def session(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """The request's own product-DB session."""
    async with sessions() as db_session:
        yield db_session


@pytest.fixture
def airflow() -> FakeAirflow:
    return FakeAirflow(name="default")


@pytest.fixture
def cache() -> SharedCache:
    return SharedCache(MemoryCache(), soft_deadline=1)


@pytest.fixture
def requests_to(
    airflow: FakeAirflow,
    cache: SharedCache,
    session: AsyncSession,
    sessions: async_sessionmaker[AsyncSession],
) -> ServiceRequests:
    """Requests to the services of the fake deployment, as any caller."""
    return ServiceRequests(airflow, cache, session, sessions)
