"""A run's page: its graph and grid (polled while it runs), the task drawer and the live log."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from airdeck_domain.polling import next_interval
from airdeck_web.api_client import ApiError
from airdeck_web.flow_elements import flow_edges, flow_nodes, graph_params, group_ids, toggled
from airdeck_web.rows import shown
from airdeck_web.states.auth import AuthState

MAX_INSTANCES = 200
"""The drawer lists a mapped task's first instances, at most this many (the API pages them)."""


class RunState(AuthState):
    """What /workflows/[dag_id]/runs/[run_id] shows."""

    run: dict[str, Any] = {}
    nodes: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    collapsed: list[str] = []
    tasks: list[dict[str, Any]] = []
    error: str = ""
    watching: bool = False
    # The drawer
    selected: str = ""
    drawer_open: bool = False
    instances: list[dict[str, Any]] = []
    instances_total: int = 0
    map_index: int = -1
    action_message: str = ""

    @rx.var
    def dag_id(self) -> str:
        return str(self.router.page.params.get("dag_id", ""))

    @rx.var
    def run_id(self) -> str:
        return str(self.router.page.params.get("run_id", ""))

    def task_path(self, *rest: str) -> tuple[str, ...]:
        """The API path, as segments, of the drawer's task (and what follows it)."""
        return ("dags", self.dag_id, "runs", self.run_id, "tasks", self.selected, *rest)

    @rx.var
    def selected_task(self) -> dict[str, Any]:
        """The drawer's task; for a mapped task, as its chosen instance has it."""
        task = next((t for t in self.tasks if t["task_id"] == self.selected), {})
        instance = next((i for i in self.instances if i["map_index"] == self.map_index), {})
        return {**task, **instance}

    async def _refresh(self) -> bool:
        """Fetch run, graph and tasks; True when something changed."""
        before = (self.run.get("state"), [t.get("state") for t in self.tasks])
        async with self.api() as api:
            run = (await api.orchestrator("GET", "dags", self.dag_id, "runs", self.run_id))["run"]
            graph = await self._graph(api)
            tasks = (
                await api.orchestrator("GET", "dags", self.dag_id, "runs", self.run_id, "tasks")
            )["tasks"]
        self.run = shown(run, "duration_seconds")
        self._draw(graph)
        self.tasks = [
            {
                **shown(t, "duration"),
                "counts": " ".join(
                    f"{k}:{v}" for k, v in sorted((t.get("state_counts") or {}).items())
                ),
            }
            for t in tasks
        ]
        return before != (self.run.get("state"), [t.get("state") for t in self.tasks])

    async def _graph(self, api: Any) -> dict[str, Any]:
        """The run's graph from the API, with the collapsed groups as one node each."""
        graph: dict[str, Any] = await api.orchestrator(
            "GET",
            "dags",
            self.dag_id,
            "runs",
            self.run_id,
            "graph",
            params=graph_params(self.collapsed),
        )
        return graph

    def _draw(self, graph: dict[str, Any]) -> None:
        self.nodes = flow_nodes(graph["nodes"], self.collapsed)
        self.edges = flow_edges(graph["edges"])

    @rx.var
    def graph_key(self) -> str:
        """Changes when the drawn groups do, so the graph is fitted to the view again."""
        return f"{self.run_id}|{','.join(self.collapsed)}"

    @rx.event
    async def click_node(self, node_id: str) -> Any:
        """A click on the graph: a group's node toggles the group, a task's opens the drawer."""
        if node_id in group_ids(self.nodes):
            return RunState.toggle_group(node_id)
        return RunState.select_task(node_id)

    @rx.event
    async def toggle_group(self, group_id: str) -> None:
        """Collapse the group into one node, or expand it again, and fetch the graph anew."""
        self.collapsed = toggled(self.collapsed, group_id)
        try:
            async with self.api() as api:
                self._draw(await self._graph(api))
        except ApiError as exc:
            self.error = exc.detail

    @rx.event
    async def load(self) -> Any:
        """Fetch the run, then poll while it runs (2 s → 5 s → 10 s when nothing changes)."""
        self.error = ""
        self.drawer_open = False
        self.collapsed = []
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
        """Open the drawer on a task (a mapped one on its first instance) and its log."""
        self.selected = task_id
        self.drawer_open = True
        self.instances = []
        self.instances_total = 0
        self.action_message = ""
        self.map_index = -1
        if self.selected_task.get("is_mapped"):
            try:
                async with self.api() as api:
                    body = await api.orchestrator(
                        "GET", *self.task_path("mapped"), params={"limit": MAX_INSTANCES}
                    )
            except ApiError as exc:
                self.action_message = exc.detail
                return None
            self.instances = [shown(i, "duration") for i in body["instances"]]
            self.instances_total = int(body["total"])
            self.map_index = int(self.instances[0]["map_index"]) if self.instances else 0
        return _open_log()

    @rx.event
    def pick_instance(self, map_index: int) -> Any:
        """Show one instance of a mapped task (its log too)."""
        self.map_index = int(map_index)
        return _open_log()

    @rx.event
    def close_drawer(self) -> None:
        self.drawer_open = False

    @rx.event
    def set_drawer_open(self, value: bool) -> None:
        self.drawer_open = value

    @rx.event
    async def clear_task(self) -> None:
        body: dict[str, Any] = {"include_downstream": True}
        if self.map_index >= 0:
            body["map_indexes"] = [self.map_index]
        try:
            async with self.api() as api:
                result = await api.orchestrator("POST", *self.task_path("clear"), json=body)
            self.action_message = f"Cleared {len(result['task_instances'])} task instance(s)."
            await self._refresh()
        except ApiError as exc:
            self.action_message = exc.detail

    @rx.event
    async def mark(self, state: str) -> None:
        body: dict[str, Any] = {"state": state, "map_index": self.map_index}
        try:
            async with self.api() as api:
                await api.orchestrator("POST", *self.task_path("state"), json=body)
            self.action_message = f"Marked {state}."
            await self._refresh()
        except ApiError as exc:
            self.action_message = exc.detail


def _open_log() -> Any:
    """The event that (re)opens the drawer's log: ``LogState`` is a substate of ``RunState``,
    so its module imports this one and can only be named here once both are loaded."""
    from airdeck_web.states.logs import LogState

    return LogState.open
