"""An API app served for real (uvicorn on a loopback port, in a thread of its own), for tests
whose requests must run at the same time: Litestar's test client runs one request at a time."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable, Mapping

import httpx
import uvicorn
from litestar import Litestar

from airdeck_api.services.cached import SharedCache


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait for ``condition`` (polling), failing rather than hanging if it never comes."""
    for _ in range(600):
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


class Served:
    """``app`` served by uvicorn; ``client`` talks to it, sending ``headers`` (a person's
    ``Authorization``, say) with every request. Use as ``async with``."""

    def __init__(self, app: Litestar, headers: Mapping[str, str] | None = None) -> None:
        self.app = app
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self._sock = sock
        config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self.client = httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{sock.getsockname()[1]}",
            headers=headers,
            timeout=60,
            limits=httpx.Limits(max_connections=200),
        )

    @property
    def cache(self) -> SharedCache:
        cache: SharedCache = self.app.state.cache
        return cache

    async def __aenter__(self) -> Served:
        self._thread.start()
        await until(lambda: self._server.started, "the API started")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()
        self._server.should_exit = True
        await asyncio.get_running_loop().run_in_executor(None, self._thread.join, 30)
