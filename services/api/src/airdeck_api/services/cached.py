"""Reading through the cache with msgspec-encoded values."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import msgspec

from airdeck_adapters.cache import CacheStore

T = TypeVar("T")


async def read_through(
    cache: CacheStore,
    key: str | None,
    ttl: float | None,
    type_: type[T],
    load: Callable[[], Awaitable[T]],
) -> T:
    """The cached value under ``key``, else ``load()`` stored for ``ttl`` seconds.

    A ``key`` of None means the value must not be cached (e.g. a running run's tasks).
    """
    if key is None:
        return await load()
    raw = await cache.get(key)
    if raw is not None:
        return msgspec.msgpack.decode(raw, type=type_)
    value = await load()
    await cache.set(key, msgspec.msgpack.encode(value), ttl)
    return value
