"""The API wired to the real test Airflow, reached through Litestar's in-process test client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient


@pytest.fixture(scope="session")
async def client(make_app: Callable[..., Litestar]) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """One API for the whole session, as a running server would be."""
    async with AsyncTestClient(app=make_app(), timeout=60) as test_client:
        yield test_client
