"""Each request observed: every log line it writes carries its id; its answer carries
``X-Request-ID``; once answered, it leaves one access-log line and its metrics.

Two parts, because Litestar sends some answers from outside the middleware stack (a refused
token's 401, the OIDC provider's 503, a path no route matches), as ``headers`` explains:
``request_scope``, the outermost middleware, binds the id for the request's logs and its
Airflow calls and starts the clock; ``request_answered``, a ``before_send`` hook, sees every
answer, so it adds the header, and on the answer's last message logs it and counts it.
A request no route matched is logged without a duration and not counted (it has no route).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import structlog
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from airdeck_adapters import request_id as outgoing
from airdeck_api import metrics
from airdeck_api.request_id import HEADER, request_id_of
from airdeck_domain.rbac import Principal

STATE_KEY = "airdeck.observed"
logger = structlog.stdlib.get_logger("airdeck.access")


@dataclass
class _Observed:
    started: float | None = None
    status: int | None = None


def _observed(scope: Scope) -> _Observed:
    state = scope["state"]
    observed: _Observed | None = state.get(STATE_KEY)
    if observed is None:
        observed = state[STATE_KEY] = _Observed()
    return observed


def request_scope(app: ASGIApp) -> ASGIApp:
    """The outermost middleware: the request's id bound to its log lines and Airflow calls,
    and the time it started."""

    async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await app(scope, receive, send)
            return
        chosen = request_id_of(scope)
        _observed(scope).started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(request_id=chosen), outgoing.serving(chosen):
            await app(scope, receive, send)

    return middleware


def request_answered(message: Message, scope: Scope) -> None:
    """A ``before_send`` hook: ``X-Request-ID`` on the answer; the access-log line and the
    request's metrics once its last message goes out."""
    if scope["type"] != ScopeType.HTTP:
        return
    observed = _observed(scope)
    if message["type"] == "http.response.start":
        observed.status = message["status"]
        headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
        message["headers"] = [*headers, (HEADER, request_id_of(scope).encode())]
        return
    if message["type"] != "http.response.body" or message.get("more_body", False):
        return
    status = observed.status or 500
    route: str | None = scope.get("path_template") if observed.started is not None else None
    seconds = time.perf_counter() - observed.started if observed.started is not None else None
    if route is not None and seconds is not None:
        metrics.request_answered(scope["method"], route, status, seconds)
    user = scope.get("user")
    client = scope.get("client")
    logger.info(
        "request",
        request_id=request_id_of(scope),
        method=scope["method"],
        route=route,
        # As the client sent it (percent-encoded), the way access logs show paths; some ASGI
        # servers put the query in raw_path too, and it has its own field.
        path=(scope.get("raw_path") or scope["path"].encode()).partition(b"?")[0].decode("latin-1"),
        query=scope["query_string"].decode("latin-1") or None,
        status=status,
        duration_ms=round(seconds * 1000, 1) if seconds is not None else None,
        client=client[0] if client else None,
        user=user.subject if isinstance(user, Principal) else None,
    )
