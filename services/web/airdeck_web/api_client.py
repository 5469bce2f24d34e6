"""The web UI's only door to the world: a typed client for the Airdeck API over HTTP."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import httpx

from airdeck_domain.url_paths import segment

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


class AirdeckApi:
    """Calls the Airdeck API as one signed-in user (``token``), on behalf of the browser at
    ``client_ip``: sent as ``X-Forwarded-For``, which the API honours when it trusts the web
    (``AIRDECK_TRUSTED_PROXIES``), for its rate limits and audit log. ``on_refused`` is told
    of every 401 answer, with the token that was refused. Every Orchestrator API call asks
    ``deployment`` (none: the API's default one) unless its own ``params`` name one."""

    def __init__(
        self,
        token: str = "",
        transport: httpx.AsyncBaseTransport | None = None,
        client_ip: str = "",
        on_refused: Callable[[str], None] | None = None,
        deployment: str = "",
    ) -> None:
        self._token = token
        self._on_refused = on_refused
        self._deployment = deployment
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        if client_ip:
            headers["X-Forwarded-For"] = client_ip
        self._http = httpx.AsyncClient(
            base_url=api_url(), headers=headers, timeout=30, transport=transport or _transport
        )

    async def __aenter__(self) -> AirdeckApi:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self._http.aclose()

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The API's answer when it is a success or ``304 Not Modified``; ApiError otherwise."""
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise ApiError(
                503, f"The Airdeck API cannot be reached ({type(exc).__name__})."
            ) from exc
        if response.is_success or response.status_code == 304:
            return response
        if response.status_code == 401 and self._on_refused is not None:
            self._on_refused(self._token)
        body = _body(response)
        detail = body.get("detail") if isinstance(body, dict) else None
        errors = body.get("errors") if isinstance(body, dict) else None
        raise ApiError(response.status_code, str(detail or response.reason_phrase), errors)

    async def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self._send(method, path, **kwargs)
        return None if response.status_code == 204 else _body(response)

    async def sign_in(self, username: str, password: str) -> str:
        """A bearer token for a local user."""
        token, _ = await self.sign_in_for_lifetime(username, password)
        return token

    async def sign_in_for_lifetime(self, username: str, password: str) -> tuple[str, int | None]:
        """A bearer token for a local user, and its lifetime in seconds (when the API says)."""
        body = await self._call(
            "POST", "/api/auth/token", json={"username": username, "password": password}
        )
        expires_in = body.get("expires_in")
        return str(body["access_token"]), int(expires_in) if expires_in else None

    async def me(self) -> dict[str, Any]:
        """The signed-in user's role and permissions."""
        result: dict[str, Any] = await self._call("GET", "/api/auth/me")
        return result

    async def orchestrator(self, method: str, *parts: str, **kwargs: Any) -> Any:
        """Any Orchestrator API route, its path given as raw segments."""
        return await self._call(method, orchestrator_path(parts), **self._addressed(kwargs))

    async def orchestrator_text(self, *parts: str, **kwargs: Any) -> str:
        """A ``GET`` of an Orchestrator API route that answers text (a CSV export)."""
        response = await self._send("GET", orchestrator_path(parts), **self._addressed(kwargs))
        return response.text

    async def orchestrator_if_changed(
        self, etag: str, *parts: str, **kwargs: Any
    ) -> tuple[Any, str]:
        """GET an Orchestrator API route, asking for it only if its ETag is no longer ``etag``
        (none: always): ``(None, etag)`` when the API answers 304 (nothing changed), else
        ``(body, the body's ETag)``."""
        headers = {"If-None-Match": etag} if etag else {}
        response = await self._send(
            "GET", orchestrator_path(parts), headers=headers, **self._addressed(kwargs)
        )
        if response.status_code == 304:
            return None, etag
        return _body(response), response.headers.get("etag", "")

    def _addressed(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        """``kwargs`` with this client's deployment among the query parameters, unless they
        name one already."""
        if not self._deployment:
            return kwargs
        params = dict(kwargs.get("params") or {})
        params.setdefault("deployment", self._deployment)
        return {**kwargs, "params": params}


def orchestrator_path(parts: tuple[str, ...]) -> str:
    """The URL path of the Orchestrator API route whose raw segments are ``parts``."""
    return API_PREFIX + "".join("/" + segment(p) for p in parts)


def _body(response: httpx.Response) -> Any:
    """The answer's JSON body; an empty object when it has none (or none that parses)."""
    try:
        return response.json()
    except ValueError:
        return {}
