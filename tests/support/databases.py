"""Throwaway product databases for tests: a SQLite file or a fresh PostgreSQL database."""

from __future__ import annotations

import asyncio
import subprocess
import sys
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


def sqlite_files_hold(database: Path, needle: bytes) -> bool:
    """Whether ``needle`` is anywhere in the SQLite file ``database`` or its write-ahead log.

    They are read by a child process: closing any descriptor of the file in this one would
    drop every POSIX lock this process's SQLite connections hold on it, and then another
    process's last close checkpoints and deletes the WAL and shared memory under them
    (sqlite.org/howtocorrupt.html, 2.2); the connections fail with "disk I/O error"."""
    reader = (
        "import sys, pathlib\n"
        "needle = sys.stdin.buffer.read()\n"
        "files = [pathlib.Path(p) for p in sys.argv[1:]]\n"
        "sys.exit(0 if any(f.exists() and needle in f.read_bytes() for f in files) else 1)"
    )
    files = [str(database), f"{database}-wal"]
    found = subprocess.run([sys.executable, "-c", reader, *files], input=needle, check=False)
    if found.returncode not in (0, 1):
        raise RuntimeError(f"reading {database} failed ({found.returncode})")
    return found.returncode == 0
