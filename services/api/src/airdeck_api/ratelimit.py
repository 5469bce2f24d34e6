"""Per-user rate limits (per client address when unauthenticated), by group of route:
reads, writes, logs and health (README.md, "Security"), and sign-in attempts. Each route
declares its group in ``opt["rate_limit"]`` (as it declares its permission); without one, a
safe method counts as a read and any other as a write. Answers 429 with ``Retry-After`` and
``RateLimit-*`` headers; successful answers carry the ``RateLimit-*`` headers too. Each refusal
is counted by group (``metrics.rate_limited``)."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from urllib.parse import quote

from limits import RateLimitItem, parse
from limits.aio.strategies import MovingWindowRateLimiter
from litestar.enums import ScopeType
from litestar.handlers.base import BaseRouteHandler
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from airdeck_api import metrics
from airdeck_api.client_address import address_bucket
from airdeck_api.problems import send_problem
from airdeck_domain.rbac import Principal

DEFAULT_LIMITS = {
    "reads": "100/minute",
    "writes": "10/minute",
    "logs": "30/minute",
    "health": "60/minute",
    "sign_in": "60/minute",
    "sign_in_failures": "10/minute",
}
"""``sign_in`` counts every sign-in per address; ``sign_in_failures`` the failed ones per
username and address, so a guesser is stopped without locking out anyone else."""
RATE_LIMIT_OPT = "rate_limit"
"""The ``opt`` key a route declares its group under."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
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


def group_of(handler: BaseRouteHandler, method: str) -> str:
    """Which limit a request to ``handler`` counts against: the group the route declares,
    else reads for a safe method and writes for any other."""
    declared = handler.opt.get(RATE_LIMIT_OPT)
    if declared is not None:
        return str(declared)
    return "reads" if method in SAFE_METHODS else "writes"


class SignInAttempts:
    """Sign-in attempts per username and address bucket. Every attempt takes a place before
    the password is checked (so parallel guesses cannot overshoot); a success gives the places
    back, so only failures add up."""

    def __init__(self, limiter: MovingWindowRateLimiter, item: RateLimitItem) -> None:
        self.limiter = limiter
        self.item = item

    def _key(self, username: str, address: str) -> tuple[str, str, str]:
        return ("sign_in_failures", quote(username, safe=""), address_bucket(address))

    async def begin(self, username: str, address: str) -> int | None:
        """None when an attempt may go on; else the seconds until the next may."""
        key = self._key(username, address)
        if await self.limiter.hit(self.item, *key):
            return None
        metrics.rate_limited("sign_in_failures")
        stats = await self.limiter.get_window_stats(self.item, *key)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def succeeded(self, username: str, address: str) -> None:
        """Forget the failures of this username from this address."""
        await self.limiter.clear(self.item, *self._key(username, address))


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
                else f"ip:{address_bucket(client[0]) if client else '?'}"
            )
            group = group_of(scope["route_handler"], scope["method"])
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
                metrics.rate_limited(group)
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
