"""Throwaway product databases for tests: a SQLite file or a fresh PostgreSQL database."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import asyncpg

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
KINDS = ("sqlite", "postgresql")


def _in_thread(coro_factory: object) -> None:
    # Fixtures may run while pytest-asyncio owns the event loop; keep ours separate.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coro_factory()).result()  # type: ignore[operator]


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(PG_ADMIN)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextmanager
def temporary_database(kind: str, folder: Path) -> Iterator[str]:
    """An empty database of ``kind``, dropped afterwards; yields its async SQLAlchemy URL."""
    if kind == "sqlite":
        yield f"sqlite+aiosqlite:///{folder / f'airdeck-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"airdeck_test_{uuid.uuid4().hex[:12]}"
    _in_thread(lambda: _admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        _in_thread(lambda: _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
