"""The service account's JWT for Airflow 3: fetched once, shared, refreshed before it expires."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable

import httpx
import msgspec

from airdeck_adapters.airflow.calls import Endpoint, observed_request
from airdeck_adapters.airflow.failures import error_for
from airdeck_adapters.airflow.observer import NO_OBSERVER, AirflowObserver
from airdeck_adapters.airflow.wire import WireToken
from airdeck_domain.errors import UnavailableError

REFRESH_MARGIN_SECONDS = 60.0
TOKEN_ENDPOINT = Endpoint("/auth/token", "/auth/token")


class _Claims(msgspec.Struct):
    exp: float | None = None


def token_expiry(token: str) -> float | None:
    """The ``exp`` claim of a JWT (epoch seconds), read without verifying: Airflow verifies it."""
    try:
        payload = token.split(".")[1]
        padded = payload + "=" * (-len(payload) % 4)
        return msgspec.json.decode(base64.urlsafe_b64decode(padded), type=_Claims).exp
    except (IndexError, ValueError, msgspec.DecodeError):
        return None


class TokenManager:
    """Hands out a valid bearer token for one deployment.

    Concurrent callers share one refresh (a lock guards it), the token is renewed
    ``REFRESH_MARGIN_SECONDS`` before its ``exp``, and ``invalidate`` forces the next
    caller to fetch a new one (used after a 401). Each fetch is reported to ``observer``.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        deployment: str,
        username: str,
        password: str,
        clock: Callable[[], float] = time.time,
        observer: AirflowObserver = NO_OBSERVER,
    ) -> None:
        self._http = http
        self._deployment = deployment
        self._username = username
        self._password = password
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self._lock = asyncio.Lock()
        self._observer = observer

    def _fresh(self) -> bool:
        return self._token is not None and self._clock() < self._expires_at - REFRESH_MARGIN_SECONDS

    async def get(self) -> str:
        """A token valid for at least the refresh margin, fetching one if needed."""
        if self._fresh():
            assert self._token is not None
            return self._token
        async with self._lock:
            if not self._fresh():
                await self._refresh()
            assert self._token is not None
            return self._token

    def invalidate(self, token: str) -> None:
        """Forget ``token`` (if it is still the current one) so the next ``get`` refreshes."""
        if self._token == token:
            self._token = None
            self._expires_at = 0.0

    async def _refresh(self) -> None:
        succeeded = False
        try:
            await self._fetch()
            succeeded = True
        finally:
            self._observer.token_refreshed(self._deployment, succeeded)

    async def _fetch(self) -> None:
        try:
            response = await observed_request(
                self._http,
                self._observer,
                self._deployment,
                "POST",
                TOKEN_ENDPOINT,
                json={"username": self._username, "password": self._password},
            )
        except httpx.HTTPError as exc:
            raise UnavailableError(
                f"Airflow deployment '{self._deployment}' is unreachable: {type(exc).__name__}",
                deployment=self._deployment,
            ) from exc
        if response.status_code not in (200, 201):
            raise error_for(response, self._deployment)
        try:
            token = msgspec.json.decode(response.content, type=WireToken).access_token
        except msgspec.DecodeError as exc:
            raise UnavailableError(
                f"Airflow deployment '{self._deployment}' returned an unreadable token response",
                deployment=self._deployment,
            ) from exc
        self._token = token
        # Without an exp claim, assume Airflow's default lifetime is at least the margin twice over.
        self._expires_at = token_expiry(token) or self._clock() + 2 * REFRESH_MARGIN_SECONDS
