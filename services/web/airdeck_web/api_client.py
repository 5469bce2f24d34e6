"""The web UI's only door to the world: a typed client for the Airdeck API over HTTP."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, cast

import httpx

from airdeck_domain.url_paths import segment
from airdeck_web.models import (
    ApiBackfill,
    ApiConnector,
    ApiGraph,
    ApiRun,
    ApiTaskInstance,
    BackfillPlan,
    BackfillRequest,
    BackfillsPage,
    ConnectorPreview,
    ConnectorsPage,
    Dag,
    DagSource,
    DagVersions,
    MetadataChange,
    RunsPage,
    SavedConfig,
    Triggered,
    VersionDiff,
)

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


POOL_LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)
"""How many connections to the API the web keeps open: enough for every tab's poll at once."""
_transport: httpx.AsyncBaseTransport | None = None
"""How every client reaches the API; None is the network (see ``reach_api_through``)."""
_pool: (
    tuple[asyncio.AbstractEventLoop, httpx.AsyncBaseTransport | None, str, httpx.AsyncClient] | None
) = None
"""The one pooled client every ``AirdeckApi`` sends through, with the event loop, transport
and API address it was made for."""


def reach_api_through(transport: httpx.AsyncBaseTransport | None) -> None:
    """Send every later API call through ``transport`` (an in-process ASGI app, say), or
    over the network again with None (the pooled client is made anew for it)."""
    global _transport
    _transport = transport


def pooled_client() -> httpx.AsyncClient:
    """The client whose connection pool every call of this process shares: made on first use,
    and made anew when the event loop, the transport (``reach_api_through``) or the API's
    address (``AIRDECK_API_URL``) is no longer the one it was made for, as in tests."""
    global _pool
    loop, url = asyncio.get_running_loop(), api_url()
    if _pool is not None and _pool[:3] == (loop, _transport, url):
        return _pool[3]
    client = httpx.AsyncClient(
        base_url=url, timeout=30, transport=_transport, limits=POOL_LIMITS, cookies=_no_cookies()
    )
    _pool = (loop, _transport, url, client)
    return client


def _no_cookies() -> CookieJar:
    """A cookie jar that keeps none: the pooled client acts for every user in turn, so a
    cookie one answer set must never ride along on another user's call."""
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


class AirdeckApi:
    """Calls the Airdeck API as one signed-in user (``token``), on behalf of the browser at
    ``client_ip``: sent as ``X-Forwarded-For``, which the API honours when it trusts the web
    (``AIRDECK_TRUSTED_PROXIES``), for its rate limits and audit log. ``on_refused`` is told
    of every 401 answer, with the token that was refused. Every Orchestrator API call asks
    ``deployment`` (none: the API's default one) unless its own ``params`` name one.

    It sends through the process's pooled client (``pooled_client``), these headers per call;
    given its own ``transport``, through a client of its own, closed on leaving ``async with``.
    """

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
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        if client_ip:
            self._headers["X-Forwarded-For"] = client_ip
        self._own: httpx.AsyncClient | None = (
            httpx.AsyncClient(base_url=api_url(), timeout=30, transport=transport)
            if transport is not None
            else None
        )

    async def __aenter__(self) -> AirdeckApi:
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._own is not None:
            await self._own.aclose()

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The API's answer when it is a success or ``304 Not Modified``; ApiError otherwise."""
        headers = {**self._headers, **(kwargs.pop("headers", None) or {})}
        client = self._own or pooled_client()
        try:
            response = await client.request(method, path, headers=headers, **kwargs)
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

    async def dag(self, dag_id: str) -> Dag:
        """The DAG's detail (its params schema, docs and Airdeck metadata among it)."""
        body = await self.orchestrator("GET", "dags", dag_id)
        return cast(Dag, body["dag"])

    async def runs(self, dag_id: str, params: Mapping[str, Any]) -> RunsPage:
        """A page of the DAG's runs, newest first (``params``: page, limit, state, conf)."""
        return cast(RunsPage, await self.orchestrator("GET", "dags", dag_id, "runs", params=params))

    async def trigger(self, dag_id: str, conf: dict[str, Any], note: str = "") -> Triggered:
        """Trigger a run with ``conf`` (and ``note``); ApiError with per-field ``errors``
        (``conf.<param>``) when the params refuse it."""
        body: dict[str, Any] = {"conf": conf, **({"note": note} if note else {})}
        return cast(Triggered, await self.orchestrator("POST", "dags", dag_id, "runs", json=body))

    async def mark_task(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        state: str,
        map_index: int = -1,
        *,
        dry_run: bool = False,
    ) -> list[ApiTaskInstance]:
        """Mark a task instance (one mapped instance, ``map_index`` >= 0) success, failed or
        skipped; the instances that changed, or with ``dry_run`` those that would."""
        body = {"state": state, "map_index": map_index, "dry_run": dry_run}
        path = ("dags", dag_id, "runs", run_id, "tasks", task_id, "state")
        result = await self.orchestrator("POST", *path, json=body)
        return cast(list[ApiTaskInstance], result["task_instances"])

    async def mark_run(self, dag_id: str, run_id: str, state: str) -> ApiRun:
        """Mark a whole run success or failed (Airflow ends its unfinished task instances
        along); the run as it now is."""
        path = ("dags", dag_id, "runs", run_id, "state")
        result = await self.orchestrator("POST", *path, json={"state": state})
        return cast(ApiRun, result["run"])

    async def clear_run(
        self, dag_id: str, run_id: str, *, only_failed: bool, dry_run: bool = False
    ) -> list[ApiTaskInstance]:
        """Clear every task instance of a run (``only_failed``: the failed ones) so they run
        again; the instances cleared, or with ``dry_run`` those that would be."""
        body = {"only_failed": only_failed, "dry_run": dry_run}
        path = ("dags", dag_id, "runs", run_id, "clear")
        result = await self.orchestrator("POST", *path, json=body)
        return cast(list[ApiTaskInstance], result["task_instances"])

    async def set_run_note(self, dag_id: str, run_id: str, note: str | None) -> ApiRun:
        """Set a run's note (None removes it); the run as it now is."""
        path = ("dags", dag_id, "runs", run_id, "note")
        result = await self.orchestrator("PATCH", *path, json={"note": note})
        return cast(ApiRun, result["run"])

    async def overview(self, dag_id: str, runs: int) -> dict[str, Any]:
        """How the DAG's last ``runs`` runs went (``airdeck_web.overview_rows`` reads it)."""
        body: dict[str, Any] = await self.orchestrator(
            "GET", "dags", dag_id, "overview", params={"runs": runs}
        )
        return body

    async def structure(self, dag_id: str, params: Mapping[str, str]) -> ApiGraph:
        """The DAG's laid-out graph (``params``: the groups to draw collapsed)."""
        return cast(
            ApiGraph, await self.orchestrator("GET", "dags", dag_id, "structure", params=params)
        )

    async def configs(self, dag_id: str) -> list[SavedConfig]:
        """The DAG's saved configs this user sees: their own and the shared ones."""
        body = await self.orchestrator("GET", "dags", dag_id, "configs")
        return cast(list[SavedConfig], body["configs"])

    async def save_config(
        self, dag_id: str, name: str, conf: dict[str, Any], shared: bool
    ) -> SavedConfig:
        """Save ``conf`` as the DAG's config ``name`` (for everyone who may trigger it, when
        ``shared``)."""
        body = {"name": name, "conf": conf, "shared": shared}
        return cast(
            SavedConfig, await self.orchestrator("POST", "dags", dag_id, "configs", json=body)
        )

    async def change_config(
        self, dag_id: str, config_id: str, change: Mapping[str, Any] | None
    ) -> None:
        """Rename or (un)share a saved config (``change``: its ``name`` or ``shared``); delete
        it when ``change`` is None."""
        if change is None:
            await self.orchestrator("DELETE", "dags", dag_id, "configs", config_id)
        else:
            await self.orchestrator("PATCH", "dags", dag_id, "configs", config_id, json=change)

    async def required_actions(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """A page of the human-in-the-loop requests the user may see, oldest first
        (``params``: page, limit, dag_id, state); ``actions`` and ``total``."""
        body: dict[str, Any] = await self.orchestrator("GET", "required-actions", params=params)
        return body

    async def required_action_count(self) -> int:
        """How many requests wait for a response in the DAGs the user may see."""
        body = await self.orchestrator("GET", "required-actions", "count")
        return int(body["total"])

    async def required_action(
        self, dag_id: str, run_id: str, task_id: str, map_index: int
    ) -> dict[str, Any]:
        """One request: its subject, body, options, or its form (``params_schema``)."""
        body: dict[str, Any] = await self.orchestrator(
            "GET", "required-actions", dag_id, run_id, task_id, params={"map_index": map_index}
        )
        return body

    async def respond(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        map_index: int,
        answer: Mapping[str, Any],
    ) -> dict[str, Any]:
        """Answer a request (``answer``: its ``chosen_options`` and/or ``params_input``);
        ApiError with per-field ``errors`` (400) or 409 when it can no longer be answered.
        The API may hold the answer up to ~10 s while the request is fresh."""
        body: dict[str, Any] = await self.orchestrator(
            "POST",
            "required-actions",
            dag_id,
            run_id,
            task_id,
            params={"map_index": map_index},
            json=dict(answer),
        )
        return body

    async def set_metadata(self, dag_id: str, change: MetadataChange) -> None:
        """Set the DAG's Airdeck metadata (admins)."""
        await self.orchestrator("PATCH", "dags", dag_id, "metadata", json=change)

    async def dag_versions(self, dag_id: str) -> DagVersions:
        """Every version of the DAG, oldest first (Airflow 3; a 400 ApiError on Airflow 2)."""
        return cast(DagVersions, await self.orchestrator("GET", "dags", dag_id, "versions"))

    async def dag_source(self, dag_id: str, version_number: int) -> DagSource:
        """The code of one version of the DAG (a 404 ApiError for a version it never had)."""
        return cast(
            DagSource,
            await self.orchestrator(
                "GET", "dags", dag_id, "versions", str(version_number), "source"
            ),
        )

    async def diff_versions(self, dag_id: str, from_version: int, to_version: int) -> VersionDiff:
        """The unified diff of the DAG's code from one version to another."""
        params = {"from": from_version, "to": to_version}
        return cast(
            VersionDiff,
            await self.orchestrator("GET", "dags", dag_id, "versions", "diff", params=params),
        )

    async def backfills(self, dag_id: str, page: int, limit: int) -> BackfillsPage:
        """A page of the DAG's backfills, newest first, each with its progress."""
        params = {"page": page, "limit": limit, "newest_first": "true"}
        return cast(
            BackfillsPage,
            await self.orchestrator("GET", "dags", dag_id, "backfills", params=params),
        )

    async def plan_backfill(self, dag_id: str, request: BackfillRequest) -> BackfillPlan:
        """The runs a backfill would create (its dry run; nothing starts); ApiError with
        per-field ``errors`` (``from_date``, ``to_date``, ``conf.<param>``) when refused."""
        return cast(
            BackfillPlan,
            await self.orchestrator(
                "POST", "dags", dag_id, "backfills", "dry-run", json=dict(request)
            ),
        )

    async def start_backfill(self, dag_id: str, request: BackfillRequest) -> ApiBackfill:
        """Start a backfill; ApiError as for ``plan_backfill``, or 409 while the DAG has one
        running."""
        return cast(
            ApiBackfill,
            await self.orchestrator("POST", "dags", dag_id, "backfills", json=dict(request)),
        )

    async def change_backfill(self, dag_id: str, backfill_id: int, change: str) -> ApiBackfill:
        """``pause``, ``unpause`` or ``cancel`` one of the DAG's backfills; 409 for one that
        already completed."""
        one = ("dags", dag_id, "backfills", str(backfill_id))
        if change == "cancel":
            body = await self.orchestrator("POST", *one, "cancel")
        else:
            paused = {"is_paused": change == "pause"}
            body = await self.orchestrator("PATCH", *one, "pause", json=paused)
        return cast(ApiBackfill, body)

    async def connectors(self, page: int = 1, limit: int = 100) -> ConnectorsPage:
        """A page of the connectors the user may see, oldest first, each with where its DAG
        stands in Airflow."""
        params = {"page": page, "limit": limit}
        return cast(ConnectorsPage, await self.orchestrator("GET", "connectors", params=params))

    async def connector(self, connector_id: str) -> ApiConnector:
        """One connector (its secrets by name only)."""
        return cast(ApiConnector, await self.orchestrator("GET", "connectors", connector_id))

    async def save_connector(self, body: Mapping[str, Any], connector_id: str = "") -> ApiConnector:
        """Create a connector, or replace ``connector_id``'s definition; ApiError with
        per-field ``errors`` (``source.url``, ``mapping[1].path``…) when refused."""
        if connector_id:
            saved = await self.orchestrator("PUT", "connectors", connector_id, json=dict(body))
        else:
            saved = await self.orchestrator("POST", "connectors", json=dict(body))
        return cast(ApiConnector, saved)

    async def preview_connector(self, body: Mapping[str, Any]) -> ConnectorPreview:
        """A live test call of the connector ``body`` describes: its first mapped rows, or why
        a run would fail (``ok`` false); ApiError with per-field ``errors`` for a body the
        API refuses."""
        return cast(
            ConnectorPreview,
            await self.orchestrator("POST", "connectors", "preview", json=dict(body)),
        )

    async def pause_connector(self, connector_id: str, paused: bool) -> ApiConnector:
        """Pause or unpause a connector's schedule."""
        return cast(
            ApiConnector,
            await self.orchestrator(
                "PATCH", "connectors", connector_id, "pause", json={"paused": paused}
            ),
        )

    async def delete_connector(self, connector_id: str) -> None:
        """Delete a connector, its secrets and its DAG."""
        await self.orchestrator("DELETE", "connectors", connector_id)

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
