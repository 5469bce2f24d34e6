"""The DAG list: filters, paging, favorites, pause, the health bar and each deployment's
health; one deployment's DAGs or every deployment's (``DeploymentsState``)."""

from __future__ import annotations

import asyncio
import time
from typing import Any, cast
from urllib.parse import quote

import reflex as rx

from airdeck_domain.polling import View, next_interval
from airdeck_web.api_client import ApiError
from airdeck_web.deployment_rows import badge_fields
from airdeck_web.models import DagListRow, UnavailableDeployment
from airdeck_web.states.deployments import DeploymentsState
from airdeck_web.states.event import event
from airdeck_web.tabs import Presence
from airdeck_web.timefmt import exact

PAGE_SIZES = ("5", "10", "25", "50", "100")
TEXT_FILTERS = ("search", "tag", "owner", "team", "environment")
"""The list's free-text filters, each a state var sent as the API parameter it names."""
SORTABLE = ("dag_id", "last_run", "last_run_state", "next_run")
"""Columns the API can order the whole list by (see its ``sort`` parameter)."""


def _pace(view: View) -> float:
    """Seconds between polls of a view the policy polls at a fixed pace."""
    interval = next_interval(view)
    assert interval is not None, f"{view} is polled at a fixed pace"
    return interval


class WorkflowsState(DeploymentsState):
    """What /workflows shows."""

    dags: rx.Field[list[DagListRow]] = rx.field(default_factory=list)
    total: rx.Field[int] = rx.field(0)
    page: rx.Field[int] = rx.field(1)
    page_size: rx.Field[str] = rx.field("25")
    search: rx.Field[str] = rx.field("")
    tag: rx.Field[str] = rx.field("")
    owner: rx.Field[str] = rx.field("")
    team: rx.Field[str] = rx.field("")
    environment: rx.Field[str] = rx.field("")
    status: rx.Field[str] = rx.field("all")
    favorites_only: rx.Field[bool] = rx.field(False)
    banner: rx.Field[str] = rx.field("")
    health: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    health_detail: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    polling: rx.Field[bool] = rx.field(False)
    sort_by: rx.Field[str] = rx.field("dag_id")
    sort_desc: rx.Field[bool] = rx.field(False)
    unavailable: rx.Field[list[UnavailableDeployment]] = rx.field(default_factory=list)
    """The deployments the list across deployments could not read, and why."""

    @event
    async def sort(self, column: str) -> None:
        """Order the whole list by ``column`` (the API sorts across pages); choosing it again
        flips the order."""
        if column not in SORTABLE:
            return
        self.sort_desc = not self.sort_desc if self.sort_by == column else False
        self.sort_by = column
        self.page = 1
        await self._fetch()

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // int(self.page_size)))

    def _list_params(self) -> dict[str, Any]:
        """The API query for the page, order and filters chosen now."""
        params: dict[str, Any] = {
            "page": self.page,
            "limit": int(self.page_size),
            "sort": ("-" if self.sort_desc else "") + self.sort_by,
        }
        if self.choice:
            params["deployment"] = self.choice
        for name, param in zip(
            TEXT_FILTERS, ("search", "tags", "owner", "team", "environment"), strict=True
        ):
            if value := getattr(self, name).strip():
                params[param] = value
        if self.status in ("paused", "active"):
            params["paused"] = str(self.status == "paused").lower()
        if self.favorites_only:
            params["favorites"] = "true"
        return params

    def _show_list(self, body: dict[str, Any]) -> None:
        self.banner = ""
        self.total = int(body["total"])
        self.unavailable = [
            UnavailableDeployment(deployment=str(u["deployment"]), message=str(u["message"]))
            for u in body.get("unavailable", [])
        ]
        self.dags = [
            cast(
                DagListRow,
                {
                    **d,
                    **badge_fields(self.summaries, str(d["deployment"])),
                    "deployment_query": "?deployment=" + quote(str(d["deployment"]), safe=""),
                    "last_state": (d.get("last_run") or {}).get("state") or "none",
                    "last_when": (d.get("last_run") or {}).get("start_date") or "",
                    "last_exact": exact((d.get("last_run") or {}).get("start_date")),
                    "next_when": d.get("next_run") or "",
                    "next_exact": exact(d.get("next_run")),
                    "tag_text": ", ".join(d.get("tags", []) + d.get("custom_tags", [])),
                    "alert_rules": int(d.get("alert_rules") or 0),
                },
            )
            for d in body["dags"]
        ]

    async def _fetch(self) -> None:
        try:
            async with self.api() as api:
                body = await api.orchestrator("GET", "dags", params=self._list_params())
        except ApiError as exc:
            self.banner = exc.detail
            return
        self._show_list(body)

    def _show_health(self, health: dict[str, Any]) -> None:
        """The health bar's dots, and the banner when Airflow cannot be reached."""
        parts = ("scheduler", "db", "dag_processor", "triggerer")
        self.health = {p: health[p]["status"] for p in parts}
        self.health_detail = {
            p: f"{p}: {health[p]['status']}"
            + (
                f", heartbeat {health[p]['age_seconds']:.0f} s ago"
                if health[p].get("age_seconds") is not None
                else ""
            )
            for p in parts
        }
        if not health.get("reachable", True):
            self.banner = health.get("message") or "Airflow is unreachable."

    def _show_chosen_health(self) -> None:
        """The health bar of the deployment chosen; none while every deployment is shown
        (each one's health is in its line)."""
        chosen = next((s for s in self.summaries if s["id"] == self.choice), None)
        if chosen is None:
            self.health, self.health_detail = {}, {}
            return
        self._show_health(chosen["health"])

    @rx.var
    def shows_health_bar(self) -> bool:
        return bool(self.health)

    @event
    async def load(self) -> Any:
        """Read the deployments and settle the one shown (from the URL's ``deployment``),
        fetch the list, then keep both fresh while the page is open."""
        await self._load_deployments()
        shown = self.choice
        self._settle(self._asked())
        if self.choice != shown:
            self.page = 1
        await self._fetch()
        self._show_chosen_health()
        if not self.polling:
            self.polling = True
            return WorkflowsState.poll
        return None

    @event(background=True)
    async def poll(self) -> None:
        """Refresh the list and the health bar at the polling policy's paces (docs/adr/0005)
        while the DAG list is on screen (and its tab there).

        The state is locked only to read what to ask and to apply the answer, never while the
        API answers, so the reader's clicks never wait for a poll."""
        views: tuple[View, ...] = ("dag_list", "health")
        due = {view: time.monotonic() + _pace(view) for view in views}
        presence = Presence(self.router.session.client_token)
        while True:
            view = min(views, key=due.__getitem__)
            await asyncio.sleep(max(0.0, due[view] - time.monotonic()))
            due[view] = time.monotonic() + _pace(view)
            async with self:
                if (
                    not self.router.page.path.startswith("/workflows")
                    or "[" in self.router.page.path
                    or presence.gone()
                ):
                    self.polling = False
                    return
                api, params = self.api(), self._list_params()
            try:
                async with api:
                    if view == "health":
                        body = await api.orchestrator("GET", "deployments")
                    else:
                        body = await api.orchestrator("GET", "dags", params=params)
                problem = ""
            except ApiError as exc:
                body, problem = {}, exc.detail
            async with self:
                if problem:
                    self.banner = problem
                elif view == "health":
                    self._show_deployments(body)
                    self._show_chosen_health()
                # A list asked for before the reader changed page or filters is already old.
                elif self._list_params() == params:
                    self._show_list(body)

    @event
    async def set_filter(self, name: str, value: str) -> None:
        """Apply one of the ``TEXT_FILTERS`` and go back to the first page."""
        if name not in TEXT_FILTERS:
            return
        setattr(self, name, value)
        self.page = 1
        await self._fetch()

    @event
    async def set_page_size(self, value: str) -> None:
        self.page_size = value if value in PAGE_SIZES else "25"
        self.page = 1
        await self._fetch()

    @event
    async def set_status(self, value: str) -> None:
        self.status = value
        self.page = 1
        await self._fetch()

    @event
    async def toggle_favorites_only(self, value: bool) -> None:
        self.favorites_only = value
        self.page = 1
        await self._fetch()

    @event
    async def go_to_page(self, page: int) -> None:
        self.page = max(1, min(page, self.pages))
        await self._fetch()

    @event
    async def toggle_favorite(self, dag_id: str, is_favorite: bool, deployment: str) -> None:
        try:
            async with self.api() as api:
                await api.orchestrator(
                    "DELETE" if is_favorite else "POST",
                    "dags",
                    dag_id,
                    "favorite",
                    params={"deployment": deployment},
                )
        except ApiError as exc:
            self.banner = exc.detail
        await self._fetch()

    @event
    async def toggle_pause(self, dag_id: str, is_paused: bool, deployment: str) -> None:
        try:
            async with self.api() as api:
                await api.orchestrator(
                    "PATCH",
                    "dags",
                    dag_id,
                    "pause",
                    json={"is_paused": not is_paused},
                    params={"deployment": deployment},
                )
        except ApiError as exc:
            self.banner = exc.detail
        await self._fetch()
