"""Per-user rate limits (per client address when unauthenticated), by group of route:
reads, writes, logs and health (guide §8.3). Answers 429 with ``Retry-After`` and
``RateLimit-*`` headers; successful answers carry the ``RateLimit-*`` headers too."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from airdeck_api.problems import send_problem
from airdeck_domain.rbac import Principal

DEFAULT_LIMITS = {
    "reads": "100/minute",
    "writes": "10/minute",
    "logs": "30/minute",
    "health": "60/minute",
}
API_PREFIX = "/api/"


def parse_limits(spec: str) -> dict[str, RateLimitItem]:
    """``"writes=5/minute,reads=50/minute"`` over the defaults; ValueError names a bad entry."""
    merged = dict(DEFAULT_LIMITS)
    for entry in (e.strip() for e in spec.split(",") if e.strip()):
        group, _, value = entry.partition("=")
        if group not in DEFAULT_LIMITS:
            raise ValueError(
                f"unknown rate-limit group {group!r} (use {', '.join(DEFAULT_LIMITS)})"
            )
        merged[group] = value
    try:
        return {group: parse(value) for group, value in merged.items()}
    except ValueError as exc:
        raise ValueError(f"bad rate limit: {exc}") from exc


def group_of(method: str, path: str) -> str:
    """Which limit a request counts against."""
    if path.rstrip("/").endswith("/health"):
        return "health"
    if "/logs" in path:
        return "logs"
    return "reads" if method in ("GET", "HEAD", "OPTIONS") else "writes"


def rate_limit_middleware(
    limiter: MovingWindowRateLimiter, items: Mapping[str, RateLimitItem]
) -> type:
    """An ASGI middleware factory enforcing ``items`` with ``limiter`` on ``/api/`` routes."""

    class RateLimitMiddleware:
        def __init__(self, app: ASGIApp) -> None:
            self.app = app

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP or not scope["path"].startswith(API_PREFIX):
                await self.app(scope, receive, send)
                return
            user = scope.get("user")
            client = scope.get("client")
            who = (
                f"user:{user.subject}"
                if isinstance(user, Principal)
                else f"ip:{client[0] if client else '?'}"
            )
            group = group_of(scope["method"], scope["path"])
            item = items[group]
            allowed = await limiter.hit(item, group, who)
            stats = await limiter.get_window_stats(item, group, who)
            reset = max(0, math.ceil(stats.reset_time - time.time()))
            headers = {
                "RateLimit-Limit": str(item.amount),
                "RateLimit-Remaining": str(stats.remaining),
                "RateLimit-Reset": str(reset),
            }
            if not allowed:
                await send_problem(
                    send,
                    429,
                    "Too Many Requests",
                    f"Rate limit for {group} is {item.amount} per {item.GRANULARITY.name}; "
                    f"try again in {max(reset, 1)} s.",
                    {**headers, "Retry-After": str(max(reset, 1))},
                )
                return

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [
                        *message.get("headers", []),
                        *((k.lower().encode(), v.encode()) for k, v in headers.items()),
                    ]
                await send(message)

            await self.app(scope, receive, send_with_headers)

    return RateLimitMiddleware
