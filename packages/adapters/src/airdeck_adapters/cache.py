"""Cache storage: in-process by default, Redis when configured. What to cache and for how long is
the domain's caching policy; this module only stores bytes under keys, each with a TTL.

Both stores are bounded: the in-process one by entries and bytes (least recently used first
out), Redis by a TTL on every key and a size cap per value (set ``maxmemory`` with an LRU
policy on the Redis server to cap its total). A Redis that fails is a cache miss, never an
error: callers fall back to asking Airflow, and the outage is logged once.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from airdeck_adapters.outage import OutageLog

logger = logging.getLogger("airdeck.cache")

DEFAULT_MAX_ENTRIES = 10_000
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_VALUE_BYTES = 8 * 1024 * 1024


class CacheStore(Protocol):
    """Bytes under string keys, each kept at most ``ttl`` seconds."""

    async def get(self, key: str) -> bytes | None:
        """The value under ``key``, or None (missing, expired, or the store unavailable)."""
        ...

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        """The value under each key, in order, read in one round trip (None as ``get``)."""
        ...

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        """Keep ``value`` for ``ttl`` seconds (a value over the size cap is not kept)."""
        ...

    async def delete(self, *keys: str) -> None:
        """Drop exactly these keys."""
        ...

    async def incr(self, key: str, ttl: float) -> int:
        """Add one to the counter under ``key`` (kept ``ttl`` seconds) and return it."""
        ...

    async def counter(self, key: str) -> int:
        """The counter under ``key`` (0 when missing or the store is unavailable)."""
        ...

    async def aclose(self) -> None:
        """Release connections and memory."""
        ...


class MemoryCache:
    """A bounded LRU with per-entry expiry, for one process."""

    def __init__(
        self,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._clock = clock

    @property
    def size(self) -> tuple[int, int]:
        """How many entries are held, and their bytes."""
        return len(self._entries), self._bytes

    def _drop(self, key: str) -> None:
        _, value = self._entries.pop(key)
        self._bytes -= len(value)

    async def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires <= self._clock():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return value

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        return [await self.get(key) for key in keys]

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        if key in self._entries:
            self._drop(key)
        if len(value) > self._max_bytes:
            return
        self._entries[key] = (self._clock() + ttl, value)
        self._bytes += len(value)
        while len(self._entries) > self._max_entries or self._bytes > self._max_bytes:
            self._drop(next(iter(self._entries)))

    async def delete(self, *keys: str) -> None:
        for key in keys:
            if key in self._entries:
                self._drop(key)

    async def incr(self, key: str, ttl: float) -> int:
        value = await self.counter(key) + 1
        await self.set(key, str(value).encode(), ttl)
        return value

    async def counter(self, key: str) -> int:
        raw = await self.get(key)
        return int(raw) if raw else 0

    async def aclose(self) -> None:
        self._entries.clear()
        self._bytes = 0


class RedisCache:
    """Shared cache across API processes; keys are namespaced under ``prefix``.

    Every Redis error is contained here: a read is a miss, a write is skipped. The first failure
    is logged as a warning, the recovery as info, nothing in between.
    """

    def __init__(
        self,
        url: str,
        prefix: str = "airdeck:cache:",
        *,
        max_value_bytes: int = DEFAULT_MAX_VALUE_BYTES,
        timeout: float = 1.0,
    ) -> None:
        # A short socket timeout: a hung Redis must cost a request little more than a miss.
        self._redis: Redis = Redis.from_url(
            url, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self._prefix = prefix
        self._max_value_bytes = max_value_bytes
        self._outage = OutageLog(logger, "Redis cache", "serving from Airflow")

    @property
    def available(self) -> bool:
        """False since a Redis call failed, until one succeeds again."""
        return not self._outage.down

    async def get(self, key: str) -> bytes | None:
        try:
            value = await self._redis.get(self._prefix + key)
        except (RedisError, OSError) as exc:
            self._outage.failed(exc)
            return None
        self._outage.succeeded()
        return value if isinstance(value, bytes) else None

    async def get_many(self, keys: Sequence[str]) -> list[bytes | None]:
        if not keys:
            return []
        try:
            values = await self._redis.mget([self._prefix + key for key in keys])
        except (RedisError, OSError) as exc:
            self._outage.failed(exc)
            return [None] * len(keys)
        self._outage.succeeded()
        return [value if isinstance(value, bytes) else None for value in values]

    async def set(self, key: str, value: bytes, ttl: float) -> None:
        if len(value) > self._max_value_bytes:
            return
        try:
            await self._redis.set(self._prefix + key, value, px=max(1, int(ttl * 1000)))
        except (RedisError, OSError) as exc:
            self._outage.failed(exc)
            return
        self._outage.succeeded()

    async def delete(self, *keys: str) -> None:
        if not keys:
            return
        try:
            await self._redis.delete(*(self._prefix + k for k in keys))
        except (RedisError, OSError) as exc:
            self._outage.failed(exc)
            return
        self._outage.succeeded()

    async def incr(self, key: str, ttl: float) -> int:
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(self._prefix + key)
                pipe.pexpire(self._prefix + key, max(1, int(ttl * 1000)))
                value, _ = await pipe.execute()
        except (RedisError, OSError) as exc:
            self._outage.failed(exc)
            return 0
        self._outage.succeeded()
        return int(value)

    async def counter(self, key: str) -> int:
        raw = await self.get(key)
        return int(raw) if raw else 0

    async def aclose(self) -> None:
        try:
            await self._redis.aclose()
        except (RedisError, OSError) as exc:
            self._outage.failed(exc)
