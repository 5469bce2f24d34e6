"""A run's page: its graph and grid (polled while it runs), the task drawer and the live log."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx
from rich.text import Text

from airdeck_domain.polling import next_interval
from airdeck_web.ansi_html import ansi_html
from airdeck_web.api_client import ApiError
from airdeck_web.graph_paths import edge_paths, node_view
from airdeck_web.states.auth import AuthState
from airdeck_web.timefmt import duration

MAX_LOG_LINES = 2000
"""The log viewer keeps a window of the newest lines, never the whole log."""


class RunState(AuthState):
    """What /workflows/[dag_id]/runs/[run_id] shows."""

    run: dict[str, Any] = {}
    nodes: list[dict[str, Any]] = []
    paths: list[dict[str, str]] = []
    size: dict[str, str] = {"w": "100%", "h": "300px"}
    tasks: list[dict[str, Any]] = []
    error: str = ""
    watching: bool = False
    # The drawer
    selected: str = ""
    drawer_open: bool = False
    instances: list[dict[str, Any]] = []
    map_index: int = -1
    log_lines: list[dict[str, Any]] = []
    log_first_number: int = 1
    log_cursor: str = ""
    log_complete: bool = False
    log_search: str = ""
    tailing: bool = False
    action_message: str = ""

    @rx.var
    def dag_id(self) -> str:
        return str(self.router.page.params.get("dag_id", ""))

    @rx.var
    def run_id(self) -> str:
        return str(self.router.page.params.get("run_id", ""))

    @rx.var
    def selected_task(self) -> dict[str, Any]:
        return next((t for t in self.tasks if t["task_id"] == self.selected), {})

    @rx.var
    def log_matches(self) -> int:
        needle = self.log_search.lower()
        return sum(needle in line["text"].lower() for line in self.log_lines) if needle else 0

    async def _refresh(self) -> bool:
        """Fetch run, graph and tasks; True when something changed."""
        before = (self.run.get("state"), [t.get("state") for t in self.tasks])
        async with self.api() as api:
            run = (await api.orchestrator("GET", "dags", self.dag_id, "runs", self.run_id))["run"]
            graph = await api.orchestrator("GET", "dags", self.dag_id, "runs", self.run_id, "graph")
            tasks = (
                await api.orchestrator("GET", "dags", self.dag_id, "runs", self.run_id, "tasks")
            )["tasks"]
        self.run = {
            **run,
            "took": duration(run.get("duration_seconds")),
            "state": run.get("state") or "none",
        }
        self.nodes = [node_view(n) for n in graph["nodes"]]
        self.paths = edge_paths(graph["nodes"], graph["edges"])
        self.size = {"w": f"{graph['width'] + 20}px", "h": f"{graph['height'] + 20}px"}
        self.tasks = [
            {
                **t,
                "state": t.get("state") or "none",
                "took": duration(t.get("duration")),
                "counts": " ".join(
                    f"{k}:{v}" for k, v in sorted((t.get("state_counts") or {}).items())
                ),
            }
            for t in tasks
        ]
        return before != (self.run.get("state"), [t.get("state") for t in self.tasks])

    @rx.event
    async def load(self) -> Any:
        """Fetch the run, then poll while it runs (2 s → 5 s → 10 s when nothing changes)."""
        self.error = ""
        self.drawer_open = False
        try:
            await self._refresh()
        except ApiError as exc:
            self.error = exc.detail
            return None
        if not self.watching and next_interval("run", self.run.get("state")) is not None:
            self.watching = True
            return RunState.watch
        return None

    @rx.event(background=True)
    async def watch(self) -> None:
        unchanged = 0
        while True:
            async with self:
                interval = next_interval("run", self.run.get("state"), unchanged)
                if interval is None or "/runs/" not in self.router.page.path:
                    self.watching = False
                    return
            await asyncio.sleep(interval)
            async with self:
                try:
                    unchanged = 0 if await self._refresh() else unchanged + 1
                except ApiError as exc:
                    self.error = exc.detail

    @rx.event
    async def select_task(self, task_id: str) -> Any:
        """Open the drawer on a task and start reading its log."""
        self.selected = task_id
        self.drawer_open = True
        self.instances = []
        self.action_message = ""
        self.map_index = -1
        task = self.selected_task
        if task.get("is_mapped"):
            async with self.api() as api:
                body = await api.orchestrator(
                    "GET",
                    "dags",
                    self.dag_id,
                    "runs",
                    self.run_id,
                    "tasks",
                    task_id,
                    "mapped",
                    params={"limit": 200},
                )
            self.instances = [{**i, "state": i.get("state") or "none"} for i in body["instances"]]
            self.map_index = int(self.instances[0]["map_index"]) if self.instances else 0
        return await self._open_log()

    @rx.event
    async def pick_instance(self, map_index: str) -> Any:
        self.map_index = int(map_index)
        return await self._open_log()

    async def _open_log(self) -> Any:
        self.log_lines = []
        self.log_first_number = 1
        self.log_cursor = ""
        self.log_complete = False
        if not self.can_read_logs:
            return None
        await self._read_log()
        if not self.log_complete and not self.tailing:
            self.tailing = True
            return RunState.tail
        return None

    async def _read_log(self) -> bool:
        """Fetch only the lines after the cursor; True when new lines came."""
        params: dict[str, Any] = {"map_index": self.map_index}
        if self.log_cursor:
            params["cursor"] = self.log_cursor
        async with self.api() as api:
            chunk = await api.orchestrator(
                "GET",
                "dags",
                self.dag_id,
                "runs",
                self.run_id,
                "tasks",
                self.selected,
                "logs",
                params=params,
            )
        lines = self.log_lines + [
            {
                "text": Text.from_ansi(line["text"]).plain,
                "html": ansi_html(line["text"]),
                "level": line.get("level") or "",
                "group": line.get("group") or "",
            }
            for line in chunk["lines"]
        ]
        dropped = max(0, len(lines) - MAX_LOG_LINES)
        self.log_first_number += dropped
        self.log_lines = lines[dropped:]
        self.log_cursor = chunk["cursor"] or ""
        self.log_complete = bool(chunk["is_complete"])
        return bool(chunk["lines"])

    @rx.event(background=True)
    async def tail(self) -> None:
        """Follow the open log until it is complete or the drawer closes (2 s → 5 s when idle)."""
        unchanged = 0
        while True:
            async with self:
                interval = next_interval(
                    "logs", None if not self.log_complete else "success", unchanged
                )
                if interval is None or not self.drawer_open:
                    self.tailing = False
                    return
            await asyncio.sleep(interval)
            async with self:
                try:
                    unchanged = 0 if await self._read_log() else unchanged + 1
                except ApiError as exc:
                    self.action_message = exc.detail

    @rx.event
    async def download_log(self) -> Any:
        """The whole log of the open try as a file (the viewer only keeps a window of it)."""
        params: dict[str, Any] = {"map_index": self.map_index}
        texts: list[str] = []
        async with self.api() as api:
            for _ in range(1000):
                chunk = await api.orchestrator(
                    "GET",
                    "dags",
                    self.dag_id,
                    "runs",
                    self.run_id,
                    "tasks",
                    self.selected,
                    "logs",
                    params=params,
                )
                texts.extend(line["text"] for line in chunk["lines"])
                if chunk["is_complete"] or not chunk["lines"]:
                    break
                params["cursor"] = chunk["cursor"]
        name = f"{self.dag_id}.{self.selected}" + (
            f".{self.map_index}" if self.map_index >= 0 else ""
        )
        return rx.download(data="\n".join(texts) + "\n", filename=f"{name}.log")

    @rx.event
    def close_drawer(self) -> None:
        self.drawer_open = False

    @rx.event
    def set_drawer_open(self, value: bool) -> None:
        self.drawer_open = value

    @rx.event
    def set_log_search(self, value: str) -> None:
        self.log_search = value

    @rx.event
    async def clear_task(self) -> None:
        body: dict[str, Any] = {"include_downstream": True}
        if self.map_index >= 0:
            body["map_indexes"] = [self.map_index]
        try:
            async with self.api() as api:
                result = await api.orchestrator(
                    "POST",
                    "dags",
                    self.dag_id,
                    "runs",
                    self.run_id,
                    "tasks",
                    self.selected,
                    "clear",
                    json=body,
                )
            self.action_message = f"Cleared {len(result['task_instances'])} task instance(s)."
            await self._refresh()
        except ApiError as exc:
            self.action_message = exc.detail

    @rx.event
    async def mark(self, state: str) -> None:
        body: dict[str, Any] = {"state": state, "map_index": self.map_index}
        try:
            async with self.api() as api:
                await api.orchestrator(
                    "POST",
                    "dags",
                    self.dag_id,
                    "runs",
                    self.run_id,
                    "tasks",
                    self.selected,
                    "state",
                    json=body,
                )
            self.action_message = f"Marked {state}."
            await self._refresh()
        except ApiError as exc:
            self.action_message = exc.detail
