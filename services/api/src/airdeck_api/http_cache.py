"""Conditional GETs under ``/api/``: every successful answer carries a strong ``ETag`` (a hash
of the encoded body), ``Cache-Control`` and ``Vary: Authorization``; a request whose
``If-None-Match`` names the current ETag gets ``304 Not Modified`` without a body."""

from __future__ import annotations

from hashlib import blake2b

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPResponseStartEvent, Message, Receive, Scope, Send

API_PREFIX = "/api/"
# Every answer depends on who asks (RBAC, favorites) and live Airflow state, so shared caches
# must not keep it and a browser must revalidate before reuse: one cheap 304 when nothing
# changed. No max-age even for finished runs: a finished run can be cleared and run again.
CACHE_CONTROL = b"private, no-cache"
VARY = b"Authorization"
# What a 304 must not carry: it has no body (RFC 9110 §15.4.5).
_BODY_HEADERS = frozenset({b"content-length", b"content-type", b"content-encoding"})


def etag_of(body: bytes) -> bytes:
    """The strong entity tag of ``body``, quoted as the header wants it."""
    return b'"' + blake2b(body, digest_size=16).hexdigest().encode() + b'"'


def none_match(header: bytes | None, etag: bytes) -> bool:
    """Whether an ``If-None-Match`` value names ``etag`` (weak comparison, as RFC 9110
    §13.1.2 requires for this header: a ``W/`` prefix still matches)."""
    if header is None:
        return False
    if header.strip() == b"*":
        return True
    return any(tag.strip().removeprefix(b"W/") == etag for tag in header.split(b","))


def _with_cache_headers(
    headers: list[tuple[bytes, bytes]], etag: bytes
) -> list[tuple[bytes, bytes]]:
    names = {name.lower() for name, _ in headers}
    kept = [(name, value) for name, value in headers if name.lower() not in (b"etag", b"vary")]
    vary = [value for name, value in headers if name.lower() == b"vary"]
    merged_vary = b", ".join([*vary, VARY]) if vary else VARY
    extra = [(b"etag", etag), (b"vary", merged_vary)]
    if b"cache-control" not in names:
        extra.append((b"cache-control", CACHE_CONTROL))
    return kept + extra


class ConditionalGetMiddleware:
    """Adds the ETag and caching headers to successful ``GET /api/…`` answers and turns a
    matching ``If-None-Match`` into a 304. Streamed answers (several body messages) pass as
    they are: their body is not known up front."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != ScopeType.HTTP
            or scope["method"] != "GET"
            or not scope["path"].startswith(API_PREFIX)
        ):
            await self.app(scope, receive, send)
            return
        if_none_match = next(
            (value for name, value in scope["headers"] if name == b"if-none-match"), None
        )
        held: HTTPResponseStartEvent | None = None

        async def send_conditional(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start" and message["status"] == 200:
                held = message
                return
            if message["type"] != "http.response.body" or held is None:
                await send(message)
                return
            start, held = held, None
            if message.get("more_body", False):
                await send(start)
                await send(message)
                return
            etag = etag_of(message.get("body", b""))
            headers = _with_cache_headers(list(start.get("headers", [])), etag)
            if none_match(if_none_match, etag):
                headers = [(n, v) for n, v in headers if n.lower() not in _BODY_HEADERS]
                await send({"type": "http.response.start", "status": 304, "headers": headers})
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            start["headers"] = headers
            await send(start)
            await send(message)

        await self.app(scope, receive, send_conditional)
