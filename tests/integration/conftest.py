"""Shared by the integration suites: an API configured for the real test Airflow, at its default
rate limits and token lifetime, and a person of its own for every test."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from airdeck_adapters.db import migrate
from airdeck_api.app import create_app
from airdeck_api.settings import Settings
from tests.support.people import Person, mint


@pytest.fixture(scope="session")
def api_env(airflow: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """AIRDECK_* variables for an API talking to the test Airflow (local mode, SQLite)."""
    data_dir: Path = tmp_path_factory.mktemp("airdeck-data")
    database_url = f"sqlite+aiosqlite:///{data_dir / 'airdeck.db'}"
    migrate.upgrade(database_url)
    return {
        "AIRDECK_DATABASE_URL": database_url,
        "AIRDECK_AIRFLOW_URL": airflow.url,
        "AIRDECK_AIRFLOW_USERNAME": airflow.username,
        "AIRDECK_AIRFLOW_PASSWORD": airflow.password,
        "AIRDECK_AUTH_MODE": "local",
        # Local mode needs a user; tests act as people of their own (the `person` fixture).
        "AIRDECK_LOCAL_USERS": f"airdeck-test:{secrets.token_urlsafe(24)}:admin",
        "AIRDECK_DATA_DIR": str(data_dir),
    }


@pytest.fixture(scope="session")
def make_app(api_env: dict[str, str]) -> Callable[..., Litestar]:
    """Build an app from the test environment with some variables overridden."""

    def build(**overrides: str) -> Litestar:
        env: Mapping[str, str] = {**api_env, **overrides}
        return create_app(Settings.from_env(env))

    return build


@pytest.fixture
def people(
    api_env: dict[str, str], request: pytest.FixtureRequest
) -> Callable[[int], list[Person]]:
    """``people(n)``: n fresh admins named after the test (``<test>~1``…), for a test that asks
    more of the API in a minute than one person may; each has the default limits."""

    def crowd(count: int) -> list[Person]:
        data_dir = Path(api_env["AIRDECK_DATA_DIR"])
        return [mint(data_dir, f"{request.node.name}~{n}") for n in range(1, count + 1)]

    return crowd


@pytest.fixture
def person(api_env: dict[str, str], request: pytest.FixtureRequest) -> Person:
    """A fresh admin of this test's own, named after the test (as its audit rows show), whose
    requests count against their own default limits in every app of ``make_app``."""
    return mint(Path(api_env["AIRDECK_DATA_DIR"]), request.node.name)
