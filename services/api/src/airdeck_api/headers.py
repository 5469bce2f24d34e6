"""Security headers on every response."""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

COMMON = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"DENY",
    b"referrer-policy": b"no-referrer",
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
    b"cross-origin-opener-policy": b"same-origin",
}
API_ONLY = {
    # JSON only: nothing to run, nothing to frame, nothing to cache.
    b"content-security-policy": b"default-src 'none'; frame-ancestors 'none'",
    b"cache-control": b"no-store",
}


class SecurityHeadersMiddleware:
    """Adds ``COMMON`` headers everywhere and ``API_ONLY`` ones under ``/api/`` (the OpenAPI
    viewer at ``/schema`` loads scripts, so it keeps the browser defaults for those)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        extra = {**COMMON, **(API_ONLY if scope["path"].startswith("/api/") else {})}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((k, v) for k, v in extra.items() if k not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
