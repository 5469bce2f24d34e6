"""The web speaks to the API for each browser: it forwards the browser's address, so sign-in
limits and the audit log see the person, not the web server (the API trusts the web as a proxy
through AIRDECK_TRUSTED_PROXIES). The real API runs in process behind a loopback peer address,
at its default rate limits."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
from litestar import Litestar
from reflex.istate.data import RouterData

from airdeck_web.api_client import AirdeckApi, reach_api_through
from airdeck_web.states.auth import AuthState
from tests.integration.web.test_states import fire, state_of

pytestmark = pytest.mark.integration
USERS = {"otto": ("otto-pw", "operator"), "ada": ("ada-pw", "admin")}


@asynccontextmanager
async def api_behind_the_web(make_app: Callable[..., Litestar]) -> AsyncIterator[None]:
    """Every API call of the web's state handlers reaches an in-process API from 127.0.0.1,
    the web's address, which the API trusts as a proxy."""
    app = make_app(
        AIRDECK_AUTH_MODE="local",
        AIRDECK_LOCAL_USERS=",".join(f"{n}:{pw}:{role}" for n, (pw, role) in USERS.items()),
        AIRDECK_TRUSTED_PROXIES="127.0.0.1",
        AIRDECK_RATE_LIMITS="",
    )
    async with app.lifespan():
        reach_api_through(httpx.ASGITransport(app=app, client=("127.0.0.1", 40000)))
        try:
            yield
        finally:
            reach_api_through(None)


def browser_at(address: str) -> AuthState:
    """The auth state of a new browser tab connected from ``address``."""
    state = state_of(AuthState, "/")
    root = state
    while root.parent_state is not None:
        root = root.parent_state
    root.router = RouterData.from_router_data(
        {"pathname": "/", "asPath": "/", "query": {}, "ip": address}
    )
    return state


async def test_sign_in_limits_and_audit_see_the_browser(make_app: Callable[..., Litestar]) -> None:
    async with api_behind_the_web(make_app):
        guesser = browser_at("198.51.100.41")
        for _ in range(10):
            await fire(AuthState.sign_in, guesser, {"username": "otto", "password": "guess"})
            assert guesser.sign_in_error == "Wrong username or password"
        await fire(AuthState.sign_in, guesser, {"username": "otto", "password": "guess"})
        assert "Too many failed sign-ins" in guesser.sign_in_error
        # Someone else signing in through the same web server is not held up by the guesser.
        person = browser_at("198.51.100.42")
        await fire(AuthState.sign_in, person, {"username": "otto", "password": "otto-pw"})
        assert person.sign_in_error == "" and person.user == "otto"
        async with person.api() as api:
            await api.orchestrator("POST", "dags", "etl_pipeline", "favorite")
        async with AirdeckApi(client_ip="198.51.100.43") as anonymous:
            token = await anonymous.sign_in("ada", "ada-pw")
        async with AirdeckApi(token) as admin:
            rows = await admin.orchestrator(
                "GET", "audit", params={"user": "otto", "dag_id": "etl_pipeline", "limit": 1}
            )
        assert rows["entries"][0]["ip_address"] == "198.51.100.42", rows
