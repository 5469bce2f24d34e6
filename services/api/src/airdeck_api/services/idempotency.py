"""``Idempotency-Key`` on writes: the same key from the same user, within the retention window,
gets the first answer again instead of a second action.

The key is claimed in the product DB before anything happens. A request that finds its key
``done`` replays the stored answer; one that finds it held by a request still running is told
to retry (409); a key reused for another route or body is refused (409). A request that ended
in an error leaves its key free for a retry. A trigger's run id is reserved with the key, so
every attempt asks Airflow for the same run and a retry can never start a second one.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

import msgspec
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from airdeck_adapters.db.services import IdempotencyKeyService
from airdeck_api.services.actions import new_run_id
from airdeck_api.services.audit import DB_FAILURES
from airdeck_domain.errors import ConflictError, UnavailableError

T = TypeVar("T")
logger = logging.getLogger("airdeck.idempotency")


def fingerprint(method: str, path: str, query: str, body: object) -> str:
    """What identifies a request for its key: route, query and body (as canonical JSON)."""
    digest = hashlib.sha256()
    for part in (method.upper(), path, query):
        digest.update(part.encode() + b"\0")
    digest.update(msgspec.json.encode(body, order="sorted"))
    return digest.hexdigest()


class Idempotency:
    """One request's ``Idempotency-Key`` (or none), for one user."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        user_id: str,
        key: str | None,
        route: tuple[str, str, str],
        retention: timedelta,
        lease: timedelta,
    ) -> None:
        self._sessions = sessions
        self.user_id = user_id
        self.key = key
        self.route = route
        self.retention = retention
        self.lease = lease

    async def once(
        self,
        body: object,
        result_type: type[T],
        status: int,
        call: Callable[[str | None], Awaitable[T]],
    ) -> T:
        """The answer of ``call`` for this request (its ``route`` and ``body``), run at most
        once per key; ``call`` gets the run id reserved with the key (None without a key)."""
        if self.key is None:
            return await call(None)
        try:
            async with self._sessions() as session:
                verdict, row = await IdempotencyKeyService(session=session).claim(
                    self.user_id,
                    self.key,
                    fingerprint(*self.route, body),
                    run_id=new_run_id(),
                    retention=self.retention,
                    lease=self.lease,
                )
        except DB_FAILURES as exc:
            logger.exception("idempotency key lookup failed")
            raise UnavailableError(
                "The Idempotency-Key cannot be checked right now, so nothing was done. "
                "Retry shortly with the same key."
            ) from exc
        if verdict == "mismatch":
            raise ConflictError(
                f"Idempotency-Key '{self.key}' was already used for a different request "
                "(another route, query or body). Use a new key for a new request."
            )
        if verdict == "busy":
            raise ConflictError(
                f"A request with Idempotency-Key '{self.key}' is still being processed; "
                "retry shortly with the same key to get its answer."
            )
        if verdict == "replay":
            return msgspec.convert(row.response, result_type)
        try:
            result = await call(row.run_id)
        except Exception:
            await self._store(lambda keys: keys.release(row.id))
            raise
        await self._store(lambda keys: keys.finish(row.id, status, msgspec.to_builtins(result)))
        return result

    async def _store(self, write: Callable[[IdempotencyKeyService], Awaitable[None]]) -> None:
        # After the action, a failing DB must not change its answer: the key then stays
        # 'pending' until its lease ends, and a retry after that runs (idempotently) again.
        try:
            async with self._sessions() as session:
                await write(IdempotencyKeyService(session=session))
        except DB_FAILURES:
            logger.exception("could not store the outcome of Idempotency-Key %s", self.key)
