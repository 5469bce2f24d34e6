"""Telling a client that (part of) its answer came from the cache past its freshness.

The cache marks the request it serves; the middleware turns the mark into the
``X-Airdeck-Stale: <age in seconds>`` response header. The mark is a mutable holder set once per
request, so work the request fans out (``asyncio.gather`` copies the context) marks the same one.
"""

from __future__ import annotations

import math
from contextvars import ContextVar

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

STALE_HEADER = "X-Airdeck-Stale"

_served: ContextVar[list[float] | None] = ContextVar("airdeck_stale_ages", default=None)


def mark_stale(age: float) -> None:
    """Record that this request is being answered with data ``age`` seconds past fresh."""
    ages = _served.get()
    if ages is not None:
        ages.append(age)


def stale_header_middleware(app: ASGIApp) -> ASGIApp:
    """Adds ``X-Airdeck-Stale`` to HTTP responses built (partly) from stale cache entries."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        ages: list[float] = []
        token = _served.set(ages)

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start" and ages:
                headers = MutableScopeHeaders.from_message(message)
                headers[STALE_HEADER] = str(math.ceil(max(ages)))
            await send(message)

        try:
            await app(scope, receive, send_marked)
        finally:
            _served.reset(token)

    return middleware
