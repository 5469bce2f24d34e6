"""Cache stores: in-process and the real Redis behave alike; both are bounded; a Redis that is
down is a miss, never an error, and is logged once."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from airdeck_adapters.cache import CacheStore, MemoryCache, RedisCache
from tests.support.ports import free_port

pytestmark = pytest.mark.integration

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[CacheStore]:
    cache: CacheStore
    if request.param == "memory":
        cache = MemoryCache(max_entries=3)
    else:
        cache = RedisCache(REDIS_URL, prefix=f"airdeck-test-{uuid.uuid4().hex[:8]}:")
    yield cache
    await cache.delete("a:1", "a:2", "b:1", "n")
    await cache.aclose()


async def test_set_get_expire_and_delete_exact_keys(store: CacheStore) -> None:
    await store.set("a:1", b"one", 60)
    await store.set("a:2", b"two", 0.2)
    await store.set("b:1", b"three", 60)
    assert await store.get("a:1") == b"one"
    assert await store.get("a:2") == b"two"
    await asyncio.sleep(0.3)
    assert await store.get("a:2") is None, "expired"
    await store.delete("a:1")
    assert await store.get("a:1") is None
    assert await store.get("b:1") == b"three"
    assert await store.get_many(["b:1", "a:1", "b:1", "a:2"]) == [b"three", None, b"three", None]
    assert await store.get_many([]) == []
    assert await store.counter("n") == 0
    assert await store.incr("n", 60) == 1
    assert await store.incr("n", 60) == 2
    assert await store.counter("n") == 2


async def test_every_redis_key_has_a_ttl() -> None:
    prefix = f"airdeck-test-{uuid.uuid4().hex[:8]}:"
    cache = RedisCache(REDIS_URL, prefix=prefix)
    raw = Redis.from_url(REDIS_URL)
    try:
        await cache.set("value", b"x", 3600)
        await cache.incr("counter", 3600)
        keys = [k async for k in raw.scan_iter(match=prefix + "*")]
        assert len(keys) == 2
        for key in keys:
            assert 0 < await raw.pttl(key) <= 3_600_000, key
    finally:
        await cache.delete("value", "counter")
        await cache.aclose()
        await raw.aclose()


async def test_redis_refuses_values_over_its_size_cap() -> None:
    cache = RedisCache(
        REDIS_URL, prefix=f"airdeck-test-{uuid.uuid4().hex[:8]}:", max_value_bytes=10
    )
    try:
        await cache.set("small", b"0123456789", 60)
        await cache.set("big", b"0123456789a", 60)
        assert await cache.get("small") == b"0123456789"
        assert await cache.get("big") is None
    finally:
        await cache.delete("small", "big")
        await cache.aclose()


async def test_memory_cache_evicts_least_recently_used() -> None:
    cache = MemoryCache(max_entries=2)
    await cache.set("x", b"1", 60)
    await cache.set("y", b"2", 60)
    assert await cache.get("x") == b"1"
    await cache.set("z", b"3", 60)
    assert await cache.get("y") is None
    assert await cache.get("x") == b"1"


async def test_memory_cache_is_bounded_in_bytes() -> None:
    cache = MemoryCache(max_entries=100, max_bytes=10)
    await cache.set("a", b"12345", 60)
    await cache.set("b", b"12345", 60)
    assert cache.size == (2, 10)
    await cache.set("c", b"123", 60)
    assert await cache.get("a") is None, "the oldest entry made room"
    assert cache.size == (2, 8)
    await cache.set("huge", b"x" * 11, 60)
    assert await cache.get("huge") is None, "a value over the whole budget is never kept"
    await cache.set("b", b"1", 60)
    assert cache.size == (2, 4), "replacing a value frees the old one's bytes"


async def test_a_redis_that_is_down_is_a_miss_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = RedisCache(f"redis://127.0.0.1:{free_port()}/0")
    with caplog.at_level(logging.WARNING, logger="airdeck.cache"):
        assert await cache.get("k") is None
        assert await cache.get_many(["k", "j"]) == [None, None]
        await cache.set("k", b"v", 60)
        await cache.delete("k")
        assert await cache.incr("n", 60) == 0
        assert await cache.counter("n") == 0
        await cache.aclose()
    assert not cache.available
    warnings = [r for r in caplog.records if r.name == "airdeck.cache"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "unavailable" in warnings[0].getMessage()
