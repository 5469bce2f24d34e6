"""Applying the product DB's Alembic migrations (``airdeck-api db upgrade`` calls these)."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TextIO

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str, stdout: TextIO = sys.stdout) -> Config:
    """Alembic's configuration for the DB at ``url`` (an async SQLAlchemy URL)."""
    config = Config(stdout=stdout)
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the DB up to ``revision`` (the newest by default); an empty DB gets every table."""
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    """Migrate the DB down to ``revision`` (``base`` removes every table)."""
    command.downgrade(alembic_config(url), revision)


def current(url: str) -> str:
    """The DB's current revision, as Alembic prints it (empty for an unmigrated DB)."""
    out = io.StringIO()
    command.current(alembic_config(url, stdout=out))
    return out.getvalue().strip()


def head() -> str:
    """The newest revision the code ships."""
    return str(ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head())


def is_current(url: str) -> bool:
    """Whether the DB at ``url`` has every migration applied."""
    return current(url).split(" ")[0] == head()
