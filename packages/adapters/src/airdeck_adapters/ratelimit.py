"""Rate-limit storage and strategy (the ``limits`` library): in-process by default, Redis when
configured so that every API process shares one count."""

from __future__ import annotations

import logging

from limits import RateLimitItem, WindowStats
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from airdeck_adapters.outage import OutageLog

logger = logging.getLogger("airdeck.ratelimit")


class FallbackRateLimiter(MovingWindowRateLimiter):
    """A moving window in Redis that, while Redis fails, counts in this process instead: limits
    keep holding (per process) and no request fails because Redis is down. The first failure
    is logged as a warning, the recovery as info."""

    def __init__(self, storage: Storage) -> None:
        super().__init__(storage)
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._outage = OutageLog(logger, "Redis rate-limit storage", "counting per process")

    async def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        try:
            allowed = await super().hit(item, *identifiers, cost=cost)
        except (RedisError, OSError) as exc:
            self._outage.failed(exc)
            return await self._local.hit(item, *identifiers, cost=cost)
        self._outage.succeeded()
        return allowed

    async def test(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        try:
            return await super().test(item, *identifiers, cost=cost)
        except (RedisError, OSError) as exc:
            self._outage.failed(exc)
            return await self._local.test(item, *identifiers, cost=cost)

    async def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        try:
            return await super().get_window_stats(item, *identifiers)
        except (RedisError, OSError) as exc:
            self._outage.failed(exc)
            return await self._local.get_window_stats(item, *identifiers)

    async def clear(self, item: RateLimitItem, *identifiers: str) -> None:
        try:
            await super().clear(item, *identifiers)
        except (RedisError, OSError) as exc:
            self._outage.failed(exc)
        await self._local.clear(item, *identifiers)


def limiter(redis_url: str | None, prefix: str = "airdeck") -> MovingWindowRateLimiter:
    """A moving-window limiter in memory, or in Redis at ``redis_url`` under ``prefix`` (falling
    back to memory while Redis is down)."""
    if redis_url:
        uri = "async+" + redis_url if not redis_url.startswith("async+") else redis_url
        return FallbackRateLimiter(
            RedisStorage(
                uri,
                implementation="redispy",
                key_prefix=prefix,
                socket_timeout=1.0,
                socket_connect_timeout=1.0,
            )
        )
    return MovingWindowRateLimiter(MemoryStorage())
