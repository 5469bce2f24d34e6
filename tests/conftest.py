"""Root fixtures: the shared test Airflow every integration test talks to, and the property
tests' settings."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

# Property tests check what holds, never how fast: a per-example deadline is a timed assert,
# and fails on a busy two-core CI machine (speed is measured by `make bench`).
settings.register_profile("airdeck", deadline=None)
settings.load_profile("airdeck")


@dataclass(frozen=True)
class AirflowLogin:
    """Where the test Airflow answers and the service account Airdeck uses with it."""

    url: str
    username: str
    password: str
    connectors_dir: Path = ROOT / ".airdeck" / "airflow-test" / "connectors"
    """Where its connector DAG factory reads specs (ADR 0026)."""


@pytest.fixture(scope="session")
def airflow() -> AirflowLogin:
    """The test Airflow (127.0.0.1:28080, home .airdeck/airflow-test, metadata in the local
    PostgreSQL) with the example DAGs
    parsed, started by dev/airflow/start.sh unless already running. It is left running after the
    session so the next one reuses it; `.ci/run` (dev/test.sh) stops it in CI."""
    env = {
        **os.environ,
        "AIRDECK_AIRFLOW_PORT": os.environ.get("AIRDECK_TEST_AIRFLOW_PORT", "28080"),
        # AIRDECK_TEST_AIRFLOW_HOME: another home beside another port, for an Airflow of one's own.
        "AIRDECK_AIRFLOW_HOME": os.environ.get(
            "AIRDECK_TEST_AIRFLOW_HOME", str(ROOT / ".airdeck" / "airflow-test")
        ),
        "AIRDECK_AIRFLOW_DB": "postgres",
    }
    started = subprocess.run(
        [str(ROOT / "dev" / "airflow" / "start.sh")], env=env, capture_output=True, text=True
    )
    if started.returncode != 0:
        pytest.fail(f"the test Airflow did not start:\n{started.stdout}\n{started.stderr}")
    login = subprocess.run(
        [
            "bash",
            "-c",
            'source "$0" && printf "%s\\n" "$AIRDECK_AIRFLOW_URL" '
            '"$AIRDECK_AIRFLOW_USERNAME" "$AIRDECK_AIRFLOW_PASSWORD" "$AIRDECK_CONNECTORS_DIR"',
            str(ROOT / "dev" / "airflow" / "env.sh"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    url, username, password, connectors_dir = login.stdout.splitlines()
    return AirflowLogin(
        url=url, username=username, password=password, connectors_dir=Path(connectors_dir)
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's sync API holds an event loop on the main thread
    while it runs, which the asyncio tests must not meet."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
