"""Rate-limit storage and strategy (the ``limits`` library): in-process by default, Redis when
configured so that every API process shares one count."""

from __future__ import annotations

from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter


def limiter(redis_url: str | None, prefix: str = "airdeck") -> MovingWindowRateLimiter:
    """A moving-window limiter in memory, or in Redis at ``redis_url`` under ``prefix``."""
    storage: Storage
    if redis_url:
        uri = "async+" + redis_url if not redis_url.startswith("async+") else redis_url
        storage = RedisStorage(uri, implementation="redispy", key_prefix=prefix)
    else:
        storage = MemoryStorage()
    return MovingWindowRateLimiter(storage)
