"""SharedCache's contracts with an in-process store and loads the test controls with events (no
timing asserts): single flight, stale while a reload is slow or fails, exact invalidation."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from airdeck_adapters.cache import MemoryCache
from airdeck_api.services.cached import SharedCache
from airdeck_domain.caching import CacheRule
from airdeck_domain.errors import NotFoundError, UnavailableError

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

    readers = asyncio.gather(*(cache.read(RULE, int, load) for _ in range(10)))
    await asyncio.sleep(0)
    release.set()
    assert await readers == [7] * 10
    assert loads == 1
    assert await cache.read(RULE, int, load) == 7 and loads == 1


async def test_an_expired_value_answers_while_the_reload_hangs_or_fails() -> None:
    clock = Clock()
    cache = SharedCache(MemoryCache(), soft_deadline=0.01, clock=clock)
    assert await cache.read(RULE, int, _value(1)) == 1
    clock.now += 60
    never = asyncio.Event()

    async def hang() -> int:
        await never.wait()
        return 2

    assert await cache.read(RULE, int, hang) == 1, "stale, not a wait"
    assert await cache.read(RULE, int, hang) == 1
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


def _value(value: int) -> Callable[[], Awaitable[int]]:
    async def load() -> int:
        return value

    return load
