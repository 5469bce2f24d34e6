"""SharedCache's contracts with an in-process store and loads the test controls with events (no
timing asserts): single flight, stale while a reload is slow or fails, exact invalidation, and
the hits, misses, coalesced misses and stale answers counted by kind of entry."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from airdeck_adapters.cache import MemoryCache
from airdeck_api.services.cached import SharedCache, kind_of
from airdeck_domain.caching import CacheRule
from airdeck_domain.errors import NotFoundError, UnavailableError
from tests.unit.api.metric_samples import Delta, cache_reads

RULE = CacheRule(key="k", ttl=30)


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


async def test_concurrent_misses_share_one_load() -> None:
    cache = SharedCache(MemoryCache(), soft_deadline=1)
    release = asyncio.Event()
    loads = 0

    async def load() -> int:
        nonlocal loads
        loads += 1
        await release.wait()
        return 7

    misses, hits = cache_reads("other", "miss"), cache_reads("other", "hit")
    coalesced = Delta("airdeck_cache_coalesced_reads_total", kind="other")
    readers = asyncio.gather(*(cache.read(RULE, int, load) for _ in range(10)))
    await asyncio.sleep(0)
    release.set()
    assert await readers == [7] * 10
    assert loads == 1
    assert (misses.moved, coalesced.moved, hits.moved) == (10, 9, 0)
    assert await cache.read(RULE, int, load) == 7 and loads == 1
    assert (misses.moved, coalesced.moved, hits.moved) == (10, 9, 1)


async def test_an_expired_value_answers_while_the_reload_hangs_or_fails() -> None:
    clock = Clock()
    cache = SharedCache(MemoryCache(), soft_deadline=0.01, clock=clock)
    assert await cache.read(RULE, int, _value(1)) == 1
    clock.now += 60
    never = asyncio.Event()
    stale = Delta("airdeck_cache_stale_answers_total", kind="other")

    async def hang() -> int:
        await never.wait()
        return 2

    assert await cache.read(RULE, int, hang) == 1, "stale, not a wait"
    assert await cache.read(RULE, int, hang) == 1
    assert stale.moved == 2
    never.set()
    for _ in range(100):
        if await cache.cached("k", int) == 2:
            break
        await asyncio.sleep(0.01)
    assert await cache.read(RULE, int, _value(3)) == 2, "the slow reload refreshed the entry"

    async def down() -> int:
        raise UnavailableError("Airflow deployment 'd' is unreachable", deployment="d")

    clock.now += 60
    assert await cache.read(RULE, int, down) == 2
    assert stale.moved == 3
    with pytest.raises(UnavailableError):
        await cache.read(RULE, int, down, stale_ok=False)

    async def gone() -> int:
        raise NotFoundError("no such DAG")

    with pytest.raises(NotFoundError):
        await cache.read(RULE, int, gone)


async def test_forget_drops_exactly_one_key_and_a_reload_under_way() -> None:
    cache = SharedCache(MemoryCache(), soft_deadline=1)
    other = CacheRule(key="other", ttl=30)
    await cache.read(RULE, int, _value(1))
    await cache.read(other, int, _value(5))
    release = asyncio.Event()

    async def old_read() -> int:
        await release.wait()
        return 1

    await cache.forget("k")
    racing = asyncio.ensure_future(cache.read(CacheRule(key="k2", ttl=30), int, old_read))
    await asyncio.sleep(0)
    await cache.forget("k2")
    release.set()
    await racing
    assert await cache.read(CacheRule(key="k2", ttl=30), int, _value(2)) == 2, (
        "a value read before the change is not stored after it"
    )
    assert await cache.read(RULE, int, _value(3)) == 3
    assert await cache.read(other, int, _value(6)) == 5


async def test_reads_of_many_keys_count_each_key() -> None:
    cache = SharedCache(MemoryCache(), soft_deadline=1)
    rules = {name: CacheRule(key=f"eu:last-run:{name}", ttl=30) for name in "abc"}

    async def load(names: object) -> dict[str, int]:
        return dict.fromkeys("abc", 1)

    misses, hits = cache_reads("last-run", "miss"), cache_reads("last-run", "hit")
    await cache.read_many(rules, int, load)
    await cache.read_many(rules, int, load)
    assert (misses.moved, hits.moved) == (3, 3)


async def test_a_read_that_is_never_cached_counts_nothing() -> None:
    cache = SharedCache(MemoryCache(), soft_deadline=1)
    misses, hits = cache_reads("other", "miss"), cache_reads("other", "hit")
    assert await cache.read(CacheRule(key=None, ttl=0), int, _value(1)) == 1
    assert (misses.moved, hits.moved) == (0, 0)


def test_the_kind_of_a_key_is_its_second_part() -> None:
    assert kind_of("eu-prod:dags:g3:|25|0") == "dags"
    assert kind_of("eu-prod:last-run:etl") == "last-run"
    assert kind_of("k") == "other"


def _value(value: int) -> Callable[[], Awaitable[int]]:
    async def load() -> int:
        return value

    return load
