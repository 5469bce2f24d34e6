"""The web UI's only door to the world: a typed client for the Airdeck API over HTTP."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import quote

import httpx

API_PREFIX = "/api/orchestrator"


class ApiError(Exception):
    """The API said no: ``status``, its ``detail`` sentence and per-field ``errors``."""

    def __init__(self, status: int, detail: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors or {}


def api_url() -> str:
    """Where the API answers (``AIRDECK_API_URL``)."""
    return os.environ.get("AIRDECK_API_URL", "http://127.0.0.1:8100").rstrip("/")


_transport: httpx.AsyncBaseTransport | None = None
"""How every client reaches the API; None is the network (see ``reach_api_through``)."""


def reach_api_through(transport: httpx.AsyncBaseTransport | None) -> None:
    """Send every later API call through ``transport`` (an in-process ASGI app, say), or
    over the network again with None. The state handlers build their clients themselves."""
    global _transport
    _transport = transport


def segment(value: str) -> str:
    """One URL path segment, percent-encoded (run ids hold ``+`` and ``:``)."""
    return quote(value, safe="")


class AirdeckApi:
    """Calls the Airdeck API as one signed-in user (``token``)."""

    def __init__(self, token: str = "", transport: httpx.AsyncBaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.AsyncClient(
            base_url=api_url(), headers=headers, timeout=30, transport=transport or _transport
        )

    async def __aenter__(self) -> AirdeckApi:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._http.aclose()

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiError(
                503, f"The Airdeck API cannot be reached ({type(exc).__name__})."
            ) from exc
        if response.status_code == 204:
            return None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.is_success:
            return body
        detail = body.get("detail") if isinstance(body, dict) else None
        errors = body.get("errors") if isinstance(body, dict) else None
        raise ApiError(response.status_code, str(detail or response.reason_phrase), errors)

    async def sign_in(self, username: str, password: str) -> str:
        """A bearer token for a local user."""
        body = await self._call(
            "POST", "/api/auth/token", json={"username": username, "password": password}
        )
        return str(body["access_token"])

    async def me(self) -> dict[str, Any]:
        """The signed-in user's role and permissions."""
        result: dict[str, Any] = await self._call("GET", "/api/auth/me")
        return result

    async def orchestrator(self, method: str, *parts: str, **kwargs: Any) -> Any:
        """Any Orchestrator API route, its path given as raw segments."""
        path = API_PREFIX + "".join("/" + segment(p) for p in parts)
        return await self._call(method, path, **kwargs)
