"""The product DB's engine and its advanced-alchemy configuration (SQLite via aiosqlite,
PostgreSQL via asyncpg): the one place either is built."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from advanced_alchemy.config import AlembicAsyncConfig, AsyncSessionConfig, SQLAlchemyAsyncConfig
from sqlalchemy import event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

MIGRATIONS = Path(__file__).parent / "migrations"
VERSION_TABLE = "alembic_version"
"""Alembic's own name for it (advanced-alchemy's default differs): existing DBs keep their
revision."""

ConfigT = TypeVar("ConfigT", bound=SQLAlchemyAsyncConfig)


def create_engine(url: str) -> AsyncEngine:
    """An async engine; a SQLite file's folder is created and foreign keys and WAL turned on."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(connection: DBAPIConnection, _: ConnectionPoolEntry) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def database_config(url: str, kind: type[ConfigT], **options: Any) -> ConfigT:
    """advanced-alchemy's configuration of the DB at ``url``, as ``kind`` (its plain
    ``SQLAlchemyAsyncConfig``, or a framework's subclass given its own ``options``): the engine
    of :func:`create_engine`, sessions that keep loaded objects usable after commit, and the
    migrations its Alembic commands apply."""
    return kind(
        engine_instance=create_engine(url),
        session_config=AsyncSessionConfig(expire_on_commit=False),
        alembic_config=AlembicAsyncConfig(
            script_config="",  # no alembic.ini: everything Alembic needs is set here
            script_location=str(MIGRATIONS),
            version_table_name=VERSION_TABLE,
            compare_type=True,
            # Generated scripts name advanced-alchemy's column types by their own module (as
            # our script.py.mako imports them), not as attributes of `sa`.
            user_module_prefix=None,
        ),
        **options,
    )
