"""Cache storage: in-process by default, Redis when configured. What to cache and for how long is
the domain's caching policy; this module only stores bytes under keys with an optional TTL."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from redis.asyncio import Redis


class CacheStore(Protocol):
    """Bytes under string keys; ``ttl`` None keeps a value until it is evicted or deleted."""

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes, ttl: float | None) -> None: ...

    async def delete_prefix(self, prefix: str) -> None: ...

    async def aclose(self) -> None: ...


class MemoryCache:
    """A bounded LRU with per-entry expiry, for one process."""

    def __init__(
        self, max_entries: int = 4096, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._entries: OrderedDict[str, tuple[float | None, bytes]] = OrderedDict()
        self._max = max_entries
        self._clock = clock

    async def get(self, key: str) -> bytes | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires is not None and expires <= self._clock():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return value

    async def set(self, key: str, value: bytes, ttl: float | None) -> None:
        self._entries[key] = (None if ttl is None else self._clock() + ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    async def delete_prefix(self, prefix: str) -> None:
        for key in [k for k in self._entries if k.startswith(prefix)]:
            del self._entries[key]

    async def aclose(self) -> None:
        self._entries.clear()


class RedisCache:
    """Shared cache across API processes; keys are namespaced under ``prefix``."""

    def __init__(self, url: str, prefix: str = "airdeck:cache:") -> None:
        self._redis: Redis = Redis.from_url(url)
        self._prefix = prefix

    async def get(self, key: str) -> bytes | None:
        value = await self._redis.get(self._prefix + key)
        return value if isinstance(value, bytes) else None

    async def set(self, key: str, value: bytes, ttl: float | None) -> None:
        if ttl is None:
            await self._redis.set(self._prefix + key, value)
        else:
            await self._redis.set(self._prefix + key, value, px=max(1, int(ttl * 1000)))

    async def delete_prefix(self, prefix: str) -> None:
        async for key in self._redis.scan_iter(match=self._prefix + prefix + "*"):
            await self._redis.delete(key)

    async def aclose(self) -> None:
        await self._redis.aclose()
