"""The DAG list: filters, paging, favorites, pause and the health bar."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from airdeck_web.api_client import ApiError
from airdeck_web.states.auth import AuthState
from airdeck_web.timefmt import exact, relative

PAGE_SIZES = ("5", "10", "25", "50", "100")
TEXT_FILTERS = ("search", "tag", "owner", "environment")
"""The list's free-text filters, each a state var sent as the API parameter it names."""
SORTABLE = ("dag_id", "last_run", "last_run_state", "next_run")
"""Columns the API can order the whole list by (see its ``sort`` parameter)."""


class WorkflowsState(AuthState):
    """What /workflows shows."""

    dags: list[dict[str, Any]] = []
    total: int = 0
    page: int = 1
    page_size: str = "25"
    search: str = ""
    tag: str = ""
    owner: str = ""
    environment: str = ""
    status: str = "all"
    favorites_only: bool = False
    banner: str = ""
    health: dict[str, str] = {}
    health_detail: dict[str, str] = {}
    polling: bool = False
    sort_by: str = "dag_id"
    sort_desc: bool = False

    @rx.event
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

    async def _fetch(self) -> None:
        params: dict[str, Any] = {
            "page": self.page,
            "limit": int(self.page_size),
            "sort": ("-" if self.sort_desc else "") + self.sort_by,
        }
        for name, param in zip(
            TEXT_FILTERS, ("search", "tags", "owner", "environment"), strict=True
        ):
            if value := getattr(self, name).strip():
                params[param] = value
        if self.status in ("paused", "active"):
            params["paused"] = str(self.status == "paused").lower()
        if self.favorites_only:
            params["favorites"] = "true"
        try:
            async with self.api() as api:
                body = await api.orchestrator("GET", "dags", params=params)
        except ApiError as exc:
            self.banner = exc.detail
            return
        self.banner = ""
        self.total = int(body["total"])
        self.dags = [
            {
                **d,
                "last_state": (d.get("last_run") or {}).get("state") or "none",
                "last_when": relative((d.get("last_run") or {}).get("start_date")),
                "last_exact": exact((d.get("last_run") or {}).get("start_date")),
                "next_when": relative(d.get("next_run")),
                "next_exact": exact(d.get("next_run")),
                "tag_text": ", ".join(d.get("tags", []) + d.get("custom_tags", [])),
            }
            for d in body["dags"]
        ]

    async def _check_health(self) -> None:
        """The health bar's dots, and the banner when Airflow cannot be reached."""
        try:
            async with self.api() as api:
                health = await api.orchestrator("GET", "health")
        except ApiError as exc:
            self.banner = exc.detail
            return
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

    @rx.event
    async def load(self) -> Any:
        """Fetch the list, then keep it fresh while the page is open."""
        await self._fetch()
        await self._check_health()
        if not self.polling:
            self.polling = True
            return WorkflowsState.poll
        return None

    @rx.event(background=True)
    async def poll(self) -> None:
        """Refresh the list every 15 s and the health bar every 30 s (guide §9.3) while the
        DAG list is on screen."""
        rounds = 0
        while True:
            await asyncio.sleep(15)
            rounds += 1
            async with self:
                if (
                    not self.router.page.path.startswith("/workflows")
                    or "[" in self.router.page.path
                ):
                    self.polling = False
                    return
                await self._fetch()
                if rounds % 2 == 0:
                    await self._check_health()

    @rx.event
    async def set_filter(self, name: str, value: str) -> None:
        """Apply one of the ``TEXT_FILTERS`` and go back to the first page."""
        if name not in TEXT_FILTERS:
            return
        setattr(self, name, value)
        self.page = 1
        await self._fetch()

    @rx.event
    async def set_page_size(self, value: str) -> None:
        self.page_size = value if value in PAGE_SIZES else "25"
        self.page = 1
        await self._fetch()

    @rx.event
    async def set_status(self, value: str) -> None:
        self.status = value
        self.page = 1
        await self._fetch()

    @rx.event
    async def toggle_favorites_only(self, value: bool) -> None:
        self.favorites_only = value
        self.page = 1
        await self._fetch()

    @rx.event
    async def go_to_page(self, page: int) -> None:
        self.page = max(1, min(page, self.pages))
        await self._fetch()

    @rx.event
    async def toggle_favorite(self, dag_id: str, is_favorite: bool) -> None:
        try:
            async with self.api() as api:
                await api.orchestrator(
                    "DELETE" if is_favorite else "POST", "dags", dag_id, "favorite"
                )
        except ApiError as exc:
            self.banner = exc.detail
        await self._fetch()

    @rx.event
    async def toggle_pause(self, dag_id: str, is_paused: bool) -> None:
        try:
            async with self.api() as api:
                await api.orchestrator(
                    "PATCH", "dags", dag_id, "pause", json={"is_paused": not is_paused}
                )
        except ApiError as exc:
            self.banner = exc.detail
        await self._fetch()
