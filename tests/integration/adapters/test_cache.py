"""Cache stores: in-process and the real Redis behave alike."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest

from airdeck_adapters.cache import CacheStore, MemoryCache, RedisCache

pytestmark = pytest.mark.integration


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[CacheStore]:
    cache: CacheStore
    if request.param == "memory":
        cache = MemoryCache(max_entries=3)
    else:
        cache = RedisCache(
            "redis://127.0.0.1:6379/0", prefix=f"airdeck-test-{uuid.uuid4().hex[:8]}:"
        )
    yield cache
    await cache.delete_prefix("")
    await cache.aclose()


async def test_set_get_expire_and_delete(store: CacheStore) -> None:
    await store.set("a:1", b"one", None)
    await store.set("a:2", b"two", 0.2)
    await store.set("b:1", b"three", None)
    assert await store.get("a:1") == b"one"
    assert await store.get("a:2") == b"two"
    await asyncio.sleep(0.3)
    assert await store.get("a:2") is None, "expired"
    await store.delete_prefix("a:")
    assert await store.get("a:1") is None
    assert await store.get("b:1") == b"three"


async def test_memory_cache_evicts_least_recently_used() -> None:
    cache = MemoryCache(max_entries=2)
    await cache.set("x", b"1", None)
    await cache.set("y", b"2", None)
    assert await cache.get("x") == b"1"
    await cache.set("z", b"3", None)
    assert await cache.get("y") is None
    assert await cache.get("x") == b"1"
