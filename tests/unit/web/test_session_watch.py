"""When the web renews a sign-in: shortly before the token expires, or at once when the API
refuses it; and the API client tells of every refusal."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from airdeck_web.api_client import AirdeckApi, ApiError
from airdeck_web.session_watch import SessionWatches, Wake, prompt_time


def test_an_hour_long_token_is_renewed_two_minutes_before_it_expires() -> None:
    assert prompt_time(3600, now=1000.0) == 1000.0 + 3600 - 120


def test_a_short_token_is_renewed_a_quarter_of_its_life_before_it_expires() -> None:
    assert prompt_time(60, now=1000.0) == 1000.0 + 45


@pytest.mark.parametrize("expires_in", [None, 0, -5])
def test_a_token_of_unknown_life_waits_for_a_refusal_only(expires_in: int | None) -> None:
    assert prompt_time(expires_in, now=1000.0) == 0.0


async def test_a_watch_wakes_when_its_token_is_due() -> None:
    watch = SessionWatches().start("tab", "t1")
    assert await watch.wait(time.time() - 1) is Wake.DUE


async def test_a_refusal_of_the_watched_token_wakes_the_watch_at_once() -> None:
    watches = SessionWatches()
    watch = watches.start("tab", "t1")
    waiting = asyncio.create_task(watch.wait(time.time() + 3600))
    watches.refused("other tab", "t1")
    watches.refused("tab", "an older token")
    await asyncio.sleep(0)
    assert not waiting.done()
    watches.refused("tab", "t1")
    assert await waiting is Wake.REFUSED


async def test_a_newer_watch_supersedes_the_tab_s_earlier_one() -> None:
    watches = SessionWatches()
    first = watches.start("tab", "t1")
    waiting = asyncio.create_task(first.wait(0))
    second = watches.start("tab", "t2")
    assert await waiting is Wake.SUPERSEDED
    watches.end("tab", first)
    watches.refused("tab", "t2")
    assert await second.wait(0) is Wake.REFUSED


async def test_the_api_client_tells_of_a_refused_token() -> None:
    refused: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/auth/me":
            return httpx.Response(401, json={"detail": "Signature has expired"})
        return httpx.Response(403, json={"detail": "Forbidden"})

    transport = httpx.MockTransport(answer)
    async with AirdeckApi("t1", transport=transport, on_refused=refused.append) as api:
        with pytest.raises(ApiError) as forbidden:
            await api.orchestrator("GET", "dags")
        assert (forbidden.value.status, refused) == (403, [])
        with pytest.raises(ApiError) as expired:
            await api.me()
    assert (expired.value.status, expired.value.detail) == (401, "Signature has expired")
    assert refused == ["t1"]


async def test_signing_in_tells_the_token_s_lifetime() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"access_token": "t1", "expires_in": 60})

    async with AirdeckApi(transport=httpx.MockTransport(answer)) as api:
        assert await api.sign_in_for_lifetime("otto", "pw") == ("t1", 60)
        assert await api.sign_in("otto", "pw") == "t1"
