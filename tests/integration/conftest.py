"""Shared by the integration suites: an API configured for the real test Airflow."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from airdeck_adapters.db import migrate
from airdeck_api.app import create_app
from airdeck_api.settings import Settings


@pytest.fixture(scope="session")
def api_env(airflow: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """AIRDECK_* variables for an API talking to the test Airflow (dev identity, SQLite)."""
    data_dir: Path = tmp_path_factory.mktemp("airdeck-data")
    database_url = f"sqlite+aiosqlite:///{data_dir / 'airdeck.db'}"
    migrate.upgrade(database_url)
    return {
        "AIRDECK_DATABASE_URL": database_url,
        "AIRDECK_AIRFLOW_URL": airflow.url,
        "AIRDECK_AIRFLOW_USERNAME": airflow.username,
        "AIRDECK_AIRFLOW_PASSWORD": airflow.password,
        "AIRDECK_AUTH_MODE": "dev",
        # These suites are about behaviour, not limits (tests/integration/security covers those).
        "AIRDECK_RATE_LIMITS": ",".join(
            f"{group}=100000/minute" for group in ("reads", "writes", "logs", "health")
        ),
        "AIRDECK_DATA_DIR": str(data_dir),
    }


@pytest.fixture(scope="session")
def make_app(api_env: dict[str, str]) -> Callable[..., Litestar]:
    """Build an app from the test environment with some variables overridden."""

    def build(**overrides: str) -> Litestar:
        env: Mapping[str, str] = {**api_env, **overrides}
        return create_app(Settings.from_env(env))

    return build
