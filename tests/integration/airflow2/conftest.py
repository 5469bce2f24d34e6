"""A real Airflow 2 beside the test Airflow 3: installed and started once per session by the
project's own scripts (dev/airflow2), and the API configured with it as a second deployment,
``airflow2``, spoken to over /api/v1 with basic auth."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.airflow_runs import get_run, trigger_run, unpause, wait_for_run
from tests.support.people import Person

ROOT = Path(__file__).resolve().parents[3]
DEPLOYMENT = "airflow2"
"""The Airflow 2's name in the API: every request of this suite asks ``?deployment=`` it."""
ETL_RUN = "manual__2026-01-01T00:00:00+00:00_airdeck~v1.0"
MAPPED_RUN = "manual__mapped+airdeck:8"
ACTIONS_RUN = "manual__actions+airdeck:00"
MAPPED_COUNT = 8
"""Few instances (item 7 fails on purpose): enough to page and mark, cheap on a 2-core CI."""


@dataclass(frozen=True)
class Airflow2Login:
    """Where the test Airflow 2 answers, its service account, and that it speaks /api/v1."""

    url: str
    username: str
    password: str
    api_version: str = "v1"


@pytest.fixture(scope="session")
def airflow2() -> Airflow2Login:
    """The test Airflow 2 (127.0.0.1:28380, home .airdeck/airflow2-test, metadata in the local
    PostgreSQL, LocalExecutor) with the example DAGs parsed: installed by dev/airflow2/install.sh
    and started by dev/airflow2/start.sh unless already there (both return at once then). It is
    left running after the session so the next one reuses it; `.ci/run` (dev/test.sh) stops it
    in CI."""
    env = {
        **os.environ,
        "AIRDECK_AIRFLOW2_PORT": os.environ.get("AIRDECK_TEST_AIRFLOW2_PORT", "28380"),
        "AIRDECK_AIRFLOW2_HOME": str(ROOT / ".airdeck" / "airflow2-test"),
        "AIRDECK_AIRFLOW2_DB": "postgres",
    }
    for script in ("install.sh", "start.sh"):
        done = subprocess.run(
            [str(ROOT / "dev" / "airflow2" / script)], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.fail(f"dev/airflow2/{script} failed:\n{done.stdout}\n{done.stderr}")
    login = subprocess.run(
        [
            "bash",
            "-c",
            'source "$0" && printf "%s\\n" "$AIRDECK_AIRFLOW2_URL" '
            '"$AIRDECK_AIRFLOW2_USERNAME" "$AIRDECK_AIRFLOW2_PASSWORD"',
            str(ROOT / "dev" / "airflow2" / "env.sh"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    url, username, password = login.stdout.splitlines()
    return Airflow2Login(url=url, username=username, password=password)


@pytest.fixture(scope="session")
async def airflow2_api(
    make_app: Callable[..., Litestar], airflow2: Airflow2Login
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """One API for the session with the test Airflow 3 as its default deployment and the
    Airflow 2 as ``airflow2`` (its password by reference, as in production)."""
    deployments = [
        {
            "name": DEPLOYMENT,
            "url": airflow2.url,
            "username": airflow2.username,
            "api_version": "v1",
            "password_env": "AIRDECK_TEST_AIRFLOW2_PASSWORD",
        }
    ]
    app = make_app(
        AIRDECK_AIRFLOW_DEPLOYMENTS=json.dumps(deployments),
        AIRDECK_TEST_AIRFLOW2_PASSWORD=airflow2.password,
    )
    async with AsyncTestClient(app=app, timeout=60) as test_client:
        yield test_client


@pytest.fixture
def client(
    airflow2_api: AsyncTestClient[Litestar], person: Person
) -> Iterator[AsyncTestClient[Litestar]]:
    """The session's API, every request sent as this test's own person."""
    airflow2_api.headers.update(person.headers)
    yield airflow2_api
    del airflow2_api.headers["Authorization"]


@pytest.fixture(scope="session")
def started_runs(airflow2: Airflow2Login) -> dict[str, str]:
    """The runs the suite reads, triggered together up front (so they execute side by side)
    unless an earlier session left them: an ETL run, a mapped fan-out, and a flaky_retry run
    for the clear and mark tests to change."""
    wanted = {
        "etl_pipeline": (ETL_RUN, {}),
        "mapped_fanout": (MAPPED_RUN, {"count": MAPPED_COUNT}),
        "flaky_retry": (ACTIONS_RUN, {}),
    }
    for dag_id, (run_id, conf) in wanted.items():
        if get_run(airflow2, dag_id, run_id) is None:
            trigger_run(airflow2, dag_id, run_id=run_id, conf=conf)
        else:
            unpause(airflow2, dag_id)  # a paused DAG's unfinished run would wait forever
    return {dag_id: run_id for dag_id, (run_id, _) in wanted.items()}


@pytest.fixture(scope="session")
def etl_run(airflow2: Airflow2Login, started_runs: dict[str, str]) -> str:
    """A finished run of etl_pipeline (the incremental load skipped by its branch)."""
    wait_for_run(airflow2, "etl_pipeline", started_runs["etl_pipeline"])
    return started_runs["etl_pipeline"]


@pytest.fixture(scope="session")
def mapped_run(airflow2: Airflow2Login, started_runs: dict[str, str]) -> str:
    """A finished run of mapped_fanout with ``MAPPED_COUNT`` instances of ``process``."""
    wait_for_run(airflow2, "mapped_fanout", started_runs["mapped_fanout"])
    return started_runs["mapped_fanout"]


@pytest.fixture(scope="session")
def actions_run(airflow2: Airflow2Login, started_runs: dict[str, str]) -> str:
    """A finished run of flaky_retry (its task ``flaky`` retried once) for actions to change."""
    wait_for_run(airflow2, "flaky_retry", started_runs["flaky_retry"])
    return started_runs["flaky_retry"]
