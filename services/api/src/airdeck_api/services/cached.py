"""The cache every request shares: read-through, single-flight, stale while Airflow is slow.

Values are msgspec-encoded; each entry records until when it is fresh, and is kept a while
longer (``caching.STALE_GRACE``) so it can stand in for an Airflow that is slow or down. What is
cached is Airflow's data only: callers apply RBAC and per-user data (favorites) after reading.
Hits, misses, coalesced misses and stale answers are counted per kind of entry (``metrics``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import msgspec

from airdeck_adapters.cache import CacheStore
from airdeck_api import metrics
from airdeck_api.staleness import mark_stale
from airdeck_domain import caching
from airdeck_domain.errors import UnavailableError

T = TypeVar("T")

GENERATION_TTL = 86_400.0
"""A generation counter outlives every entry keyed by it many times over."""


def kind_of(key: str) -> str:
    """What a key holds, as metrics name it: the domain's keys read ``<deployment>:<kind>:…``
    (``caching``), so the kinds are few whatever the DAGs; ``other`` for any other key."""
    parts = key.split(":", 2)
    return parts[1] if len(parts) > 1 else "other"


class _Entry(msgspec.Struct, array_like=True):
    fresh_until: float
    payload: bytes


def _decoded(raw: bytes | None) -> _Entry | None:
    if raw is None:
        return None
    try:
        return msgspec.msgpack.decode(raw, type=_Entry)
    except msgspec.DecodeError:
        # Written by another version of Airdeck, or damaged: a miss.
        return None


class SharedCache:
    """Reads through ``store`` with three protections for Airflow:

    - single flight: concurrent reads of one missing key in this process share one load;
    - stale while slow: a read whose entry has expired waits at most ``soft_deadline`` seconds
      for the reload (or not at all if Airflow is unavailable), then answers with the expired
      value and marks the response stale, while the reload goes on and refreshes the entry;
    - every entry carries a TTL; ``forget`` drops exact keys (and any reload already under way
      for them no longer stores what it read before the change).
    """

    def __init__(
        self,
        store: CacheStore,
        *,
        soft_deadline: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.soft_deadline = soft_deadline
        self.clock = clock
        self._flights: dict[str, asyncio.Task[Any]] = {}
        self._changes = 0

    async def _entry(self, key: str) -> _Entry | None:
        return _decoded(await self.store.get(key))

    def _fly(self, key: str, kind: str, load: Callable[[], Awaitable[T]]) -> asyncio.Task[T]:
        """The load under way for ``key``, or a new one."""
        flight = self._flights.get(key)
        if flight is not None:
            metrics.cache_coalesced(kind)
        else:
            flight = asyncio.ensure_future(load())
            self._flights[key] = flight

            def landed(done: asyncio.Task[Any]) -> None:
                if self._flights.get(key) is done:
                    del self._flights[key]
                # Retrieve the outcome: nobody may be waiting any more (stale was served).
                if not done.cancelled():
                    done.exception()

            flight.add_done_callback(landed)
        return flight

    async def _store(self, key: str | None, ttl: float, value: Any, changes_before: int) -> None:
        if key is None or self._changes != changes_before:
            return
        entry = _Entry(fresh_until=self.clock() + ttl, payload=msgspec.msgpack.encode(value))
        await self.store.set(key, msgspec.msgpack.encode(entry), ttl + caching.STALE_GRACE)

    async def _await_or_stale(
        self, flight: asyncio.Task[T], stale: Callable[[], T] | None, expired_at: float, kind: str
    ) -> T:
        if stale is None:
            return await asyncio.shield(flight)
        try:
            return await asyncio.wait_for(asyncio.shield(flight), self.soft_deadline)
        except (TimeoutError, UnavailableError):
            mark_stale(self.clock() - expired_at)
            metrics.cache_stale(kind)
            return stale()

    async def read(
        self,
        rule: caching.CacheRule,
        type_: type[T],
        load: Callable[[], Awaitable[T]],
        *,
        stale_ok: bool = True,
        ttl_for: Callable[[T], float] | None = None,
    ) -> T:
        """The value under ``rule.key`` if fresh, else ``load()`` (shared with concurrent reads
        of the key) stored for ``rule.ttl`` seconds (``ttl_for(value)`` when given). A key of
        None: load, never store. With ``stale_ok``, an expired value answers when the reload
        is slow or fails."""
        key = rule.key
        if key is None:
            return await load()
        kind = kind_of(key)
        entry = await self._entry(key)
        if entry is not None and entry.fresh_until > self.clock():
            metrics.cache_read(kind, hits=1)
            return msgspec.msgpack.decode(entry.payload, type=type_)
        metrics.cache_read(kind, misses=1)
        changes = self._changes

        async def load_and_store() -> T:
            value = await load()
            ttl = rule.ttl if ttl_for is None else ttl_for(value)
            await self._store(key, ttl, value, changes)
            return value

        flight = self._fly(key, kind, load_and_store)
        if entry is None or not stale_ok:
            return await asyncio.shield(flight)
        payload = entry.payload
        return await self._await_or_stale(
            flight, lambda: msgspec.msgpack.decode(payload, type=type_), entry.fresh_until, kind
        )

    async def read_many(
        self,
        rules: Mapping[str, caching.CacheRule],
        type_: type[T],
        load: Callable[[Sequence[str]], Awaitable[Mapping[str, T]]],
    ) -> dict[str, T]:
        """One value per name of ``rules``: the fresh ones from the cache, all the others from
        one ``load(names)`` call (shared with a concurrent read of the same names), each then
        stored under its own rule. Stale values answer when that load is slow or fails, if
        every missing name has one."""
        raw = await self.store.get_many([r.key or "" for r in rules.values()])
        entries = {name: _decoded(value) for name, value in zip(rules, raw, strict=True)}
        now = self.clock()
        found = {
            name: msgspec.msgpack.decode(entry.payload, type=type_)
            for name, entry in entries.items()
            if entry is not None and entry.fresh_until > now
        }
        missing = sorted(name for name in rules if name not in found)
        kind = kind_of(next((r.key for r in rules.values() if r.key), ""))
        metrics.cache_read(kind, hits=len(found), misses=len(missing))
        if not missing:
            return found
        changes = self._changes

        async def load_and_store() -> Mapping[str, T]:
            values = await load(missing)
            await asyncio.gather(
                *(
                    self._store(rules[name].key, rules[name].ttl, values[name], changes)
                    for name in missing
                )
            )
            return values

        flight = self._fly(
            "many:" + "\x1f".join(rules[n].key or n for n in missing), kind, load_and_store
        )
        stale_entries = [entries[name] for name in missing]
        stale: Callable[[], Mapping[str, T]] | None = None
        if all(entry is not None for entry in stale_entries):

            def stale() -> Mapping[str, T]:
                return {
                    name: msgspec.msgpack.decode(entry.payload, type=type_)
                    for name, entry in entries.items()
                    if name in missing and entry is not None
                }

        expired_at = min((e.fresh_until for e in stale_entries if e is not None), default=now)
        loaded = await self._await_or_stale(flight, stale, expired_at, kind)
        return {**found, **{name: loaded[name] for name in missing}}

    async def cached(self, key: str, type_: type[T]) -> T | None:
        """The fresh value under ``key``, or None."""
        entry = await self._entry(key)
        if entry is None or entry.fresh_until <= self.clock():
            return None
        return msgspec.msgpack.decode(entry.payload, type=type_)

    async def forget(self, *keys: str) -> None:
        """Drop these keys, so the next read asks Airflow. Never raises: a store that fails
        drops nothing, and its entries expire with their TTL."""
        self._changes += 1
        for key in keys:
            self._flights.pop(key, None)
        await self.store.delete(*keys)

    async def aclose(self) -> None:
        """Stop the loads still under way and close the store."""
        flights = list(self._flights.values())
        for flight in flights:
            flight.cancel()
        await asyncio.gather(*flights, return_exceptions=True)
        await self.store.aclose()

    async def generation(self, name: str) -> int:
        """The current value of a generation counter (part of keys it versions)."""
        return await self.store.counter(name)

    async def bump(self, name: str) -> None:
        """Move a generation counter on: every key built with the old value is unreachable."""
        self._changes += 1
        await self.store.incr(name, GENERATION_TTL)
