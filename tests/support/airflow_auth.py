"""The service account's bearer auth for tests and benchmarks that call Airflow directly.

Airflow's tokens live five minutes here, as in production (dev/airflow/env.sh), while a test
session or a benchmark lasts much longer: the token is fetched again whenever Airflow answers
401, the way httpx's documented custom-auth flow retries a request.
"""

from __future__ import annotations

from collections.abc import Generator

import httpx

TOKEN_TIMEOUT = httpx.Timeout(120, connect=10)


class ServiceAccount(httpx.Auth):
    """Bearer auth as Airflow's user ``username``: a new token when the current one is refused."""

    def __init__(self, url: str, username: str, password: str) -> None:
        self._url = url.rstrip("/")
        self._credentials = {"username": username, "password": password}
        self._token: str | None = None

    def fresh_token(self) -> str:
        """A token just issued by Airflow (valid for its full lifetime from now)."""
        response = httpx.post(
            f"{self._url}/auth/token", json=self._credentials, timeout=TOKEN_TIMEOUT
        )
        response.raise_for_status()
        self._token = str(response.json()["access_token"])
        return self._token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token or self.fresh_token()}"
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = f"Bearer {self.fresh_token()}"
            yield request
