"""The API wired to the real test Airflow, reached through Litestar's in-process test client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.airflow_runs import ensure_run
from tests.support.counting_proxy import CountingProxy
from tests.support.people import Person

MAPPED_RUN_ID = "manual__mapped+airdeck:120"
"""A run of the example mapped DAG (mapped_fanout, 120 instances of ``process``)."""


@pytest.fixture(scope="session")
async def session_client(
    make_app: Callable[..., Litestar],
) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """One API for the whole session, as a running server would be."""
    async with AsyncTestClient(app=make_app(), timeout=60) as test_client:
        yield test_client


@pytest.fixture
def client(
    session_client: AsyncTestClient[Litestar], person: Person
) -> Iterator[AsyncTestClient[Litestar]]:
    """The session's API, every request sent as this test's own person."""
    session_client.headers.update(person.headers)
    yield session_client
    del session_client.headers["Authorization"]


@pytest.fixture(scope="session")
def mapped_run(airflow: Any) -> str:
    """The id of a finished run of mapped_fanout with 120 mapped instances, made once."""
    ensure_run(airflow, "mapped_fanout", MAPPED_RUN_ID, {})
    return MAPPED_RUN_ID


@pytest.fixture(scope="module")
def proxy(airflow: Any) -> Iterator[CountingProxy]:
    """A proxy in front of the test Airflow that counts the calls an app sends through it."""
    counting = CountingProxy(airflow.url)
    counting.start()
    yield counting
    counting.close()
