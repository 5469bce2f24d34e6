"""The API wired to the real test Airflow, reached through Litestar's in-process test client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.people import Person


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
