"""Security headers on every response."""

from __future__ import annotations

from litestar.types import Message, Scope

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


def security_headers(message: Message, scope: Scope) -> None:
    """A ``before_send`` hook: adds ``COMMON`` headers everywhere and ``API_ONLY`` ones under
    ``/api/`` (the OpenAPI viewer at ``/schema`` loads scripts, so it keeps the browser defaults
    for those). A hook rather than a middleware, so responses that Litestar's exception handling
    sends from outside the middleware stack (a refused token's 401) carry them too."""
    if message["type"] != "http.response.start":
        return
    extra = {**COMMON, **(API_ONLY if scope["path"].startswith("/api/") else {})}
    headers = list(message.get("headers", []))
    present = {name.lower() for name, _ in headers}
    message["headers"] = [*headers, *((k, v) for k, v in extra.items() if k not in present)]
