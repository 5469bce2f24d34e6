"""A real OpenID provider (the certified ``oidc-provider`` package, run by Node on loopback)
and apps in local and OIDC mode against the test Airflow."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar

from airdeck_adapters.db import migrate
from airdeck_api.app import create_app
from airdeck_api.settings import Settings
from tests.support.ports import free_port

PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
AUDIENCE = "https://airdeck.test/api"
CLIENT_ROLES = {
    "ops-bot": ["airdeck-operators"],
    "viewer-bot": ["airdeck-viewers"],
    "admin-bot": ["airdeck-admins"],
    "finance-bot": ["finance-operators"],
    "short-lived": ["airdeck-admins"],
    "nobody-bot": ["some-other-group"],
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


@dataclass(frozen=True)
class OidcProvider:
    issuer: str

    def token(self, client_id: str, resource: str = AUDIENCE) -> str:
        response = httpx.post(
            f"{self.issuer}/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": f"{client_id}-secret",
                "scope": "api",
                "resource": resource,
            },
            timeout=10,
        )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token


def _start_provider(port: int) -> subprocess.Popen[bytes]:
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed to install the test OpenID provider"
        subprocess.run(
            [npm, "install", "--no-package-lock", "--no-audit", "--no-fund", "--silent"],
            cwd=PROVIDER_DIR,
            check=True,
        )
    env = {
        **os.environ,
        "PORT": str(port),
        "AUDIENCE": AUDIENCE,
        "CLIENT_ROLES": json.dumps(CLIENT_ROLES),
    }
    process = subprocess.Popen(["node", "provider.mjs"], cwd=PROVIDER_DIR, env=env)
    for _ in range(100):
        try:
            httpx.get(
                f"http://127.0.0.1:{port}/.well-known/openid-configuration", timeout=1
            ).raise_for_status()
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the test OpenID provider did not start")


@contextmanager
def running_provider() -> Iterator[OidcProvider]:
    """A provider on a free port for as long as the block runs."""
    port = free_port()
    process = _start_provider(port)
    try:
        yield OidcProvider(issuer=f"http://127.0.0.1:{port}")
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture(scope="session")
def other_provider() -> Iterator[OidcProvider]:
    """A second provider: same development keys, another issuer."""
    with running_provider() as provider:
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
        "AIRDECK_RATE_LIMITS": "reads=100000/minute,writes=100000/minute,logs=100000/minute",
    }


@pytest.fixture(scope="session")
def make_secure_app(security_env: dict[str, str]) -> Callable[..., Litestar]:
    def build(**overrides: str) -> Litestar:
        return create_app(Settings.from_env({**security_env, **overrides}))

    return build
