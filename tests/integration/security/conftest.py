"""A real OpenID provider (the certified ``oidc-provider`` package, run by Node on loopback)
and apps in local and OIDC mode against the test Airflow."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from litestar import Litestar

from airdeck_adapters.db import migrate
from airdeck_api.app import create_app
from airdeck_api.settings import Settings
from tests.support.oidc import OidcProvider, running_provider

AUDIENCE = "https://airdeck.test/api"
CLIENT_ROLES = {
    "ops-bot": ["airdeck-operators"],
    "viewer-bot": ["airdeck-viewers"],
    "admin-bot": ["airdeck-admins"],
    "finance-bot": ["finance-operators"],
    "short-lived": ["airdeck-admins"],
    "nobody-bot": ["some-other-group"],
    # Groups spelled like roles, which the role map never names: they must grant nothing.
    "raw-admin-bot": ["admin"],
    "raw-scoped-bot": ["operator@team=finance", "viewer"],
}
ROLE_MAP = {
    "airdeck-operators": "operator",
    "airdeck-viewers": "viewer",
    "airdeck-admins": "admin",
    "finance-operators": "operator@team=finance",
}
LOCAL_USERS = {
    "vera": ("vera-pw", "viewer"),
    "otto": ("otto-pw", "operator"),
    "ada": ("ada-pw", "admin"),
    "fin": ("fin-pw", "operator@team=finance"),
}


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    with running_provider(AUDIENCE, CLIENT_ROLES) as provider:
        yield provider


@pytest.fixture(scope="session")
def other_provider() -> Iterator[OidcProvider]:
    """A second provider: same development keys, another issuer."""
    with running_provider(AUDIENCE, CLIENT_ROLES) as provider:
        yield provider


@pytest.fixture(scope="session")
def security_env(airflow: Any, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    data_dir = tmp_path_factory.mktemp("security-data")
    database_url = f"sqlite+aiosqlite:///{data_dir / 'airdeck.db'}"
    migrate.upgrade(database_url)
    return {
        "AIRDECK_AIRFLOW_URL": airflow.url,
        "AIRDECK_AIRFLOW_USERNAME": airflow.username,
        "AIRDECK_AIRFLOW_PASSWORD": airflow.password,
        "AIRDECK_DATA_DIR": str(data_dir),
        "AIRDECK_DATABASE_URL": database_url,
        "AIRDECK_LOCAL_USERS": ",".join(
            f"{n}:{pw}:{role}" for n, (pw, role) in LOCAL_USERS.items()
        ),
    }


@pytest.fixture(scope="session")
def make_secure_app(security_env: dict[str, str]) -> Callable[..., Litestar]:
    def build(**overrides: str) -> Litestar:
        return create_app(Settings.from_env({**security_env, **overrides}))

    return build
