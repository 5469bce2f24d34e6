"""The ``airdeck`` CLI against the real stack: an API served for real on loopback, talking to
the test Airflow, and the CLI run in-process (click's runner) or as the installed command."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping

import pytest
from click.testing import CliRunner, Result
from litestar import Litestar

from airdeck_api.cli import main
from tests.integration.cli.cli_runs import Airdeck
from tests.support.people import Person
from tests.support.served_api import Served


@pytest.fixture(scope="module")
async def api(make_app: Callable[..., Litestar]) -> AsyncIterator[Served]:
    """The API on a loopback port for this module's tests, at the default limits."""
    async with Served(make_app()) as served:
        yield served


@pytest.fixture
def api_url(api: Served) -> str:
    return str(api.client.base_url).rstrip("/")


@pytest.fixture
def airdeck(api_url: str, person: Person) -> Airdeck:
    """``await airdeck(*arguments, token=…, env=…)``: the CLI run in-process (in a thread, so
    the test's event loop stays free) against the served API, as this test's person unless
    another ``token`` is given; its result has ``exit_code``, ``stdout`` and ``stderr``."""

    async def run(
        *arguments: str, token: str | None = None, env: Mapping[str, str] | None = None
    ) -> Result:
        environment = {
            "AIRDECK_API_URL": api_url,
            "AIRDECK_TOKEN": person.token if token is None else token,
            **(env or {}),
        }
        runner = CliRunner(env=environment)
        return await asyncio.to_thread(runner.invoke, main, list(arguments), prog_name="airdeck")

    return run
