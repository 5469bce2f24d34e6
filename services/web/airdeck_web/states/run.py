"""A run's page: its run, graph and tasks (one snapshot), and the task drawer's task.

Its substates add the rest and chain their own events, so this module names none of them:
the drawer's events and live log (``states.logs``), the Gantt tab and the page's watch, which
polls the snapshot or the Gantt (``states.gantt``), the clear dialog (``states.clear``), and the
run's and the drawer task's other actions (``states.run_actions``)."""

from __future__ import annotations

from typing import Any, NamedTuple, cast

import reflex as rx

from airdeck_web.api_client import ApiError
from airdeck_web.models import InstanceRow, RunRow, TaskRow
from airdeck_web.rows import instance_row, run_row, task_row
from airdeck_web.states.auth import AuthState
from airdeck_web.states.event import event
from airdeck_web.states.graph import GraphState
from airdeck_web.version_rows import run_version

MAX_INSTANCES = 200
"""The drawer lists a mapped task's first instances, at most this many (the API pages them)."""


class Polled(NamedTuple):
    """What a round of the watch asks for: an API path (as segments), its query and the ETag
    of the answer shown."""

    path: tuple[str, ...]
    params: dict[str, str]
    etag: str


class RunState(GraphState, AuthState):
    """What /workflows/[dag_id]/runs/[run_id] shows; its graph is the run's, with each task's
    state."""

    run: rx.Field[RunRow] = rx.field(default_factory=lambda: cast(RunRow, {}))
    """The run; an empty object before it was read (the page tells by its ``run_id``)."""
    tasks: rx.Field[list[TaskRow]] = rx.field(default_factory=list)
    error: rx.Field[str] = rx.field("")
    watching: rx.Field[bool] = rx.field(False)
    tab: rx.Field[str] = rx.field("graph")
    # The drawer
    selected: rx.Field[str] = rx.field("")
    drawer_open: rx.Field[bool] = rx.field(False)
    instances: rx.Field[list[InstanceRow]] = rx.field(default_factory=list)
    instances_total: rx.Field[int] = rx.field(0)
    map_index: rx.Field[int] = rx.field(-1)
    action_message: rx.Field[str] = rx.field("")
    _snapshot_etag: str = ""
    """The ETag of the snapshot shown, so a poll that finds nothing changed costs a 304."""

    @rx.var
    def dag_id(self) -> str:
        return str(self.router.page.params.get("dag_id", ""))

    @rx.var
    def run_id(self) -> str:
        return str(self.router.page.params.get("run_id", ""))

    @rx.var
    def version_text(self) -> str:
        """The DAG version the run used and the bundle that produced it (``run_version``)."""
        return run_version(self.run)

    def task_path(self, *rest: str) -> tuple[str, ...]:
        """The API path, as segments, of the drawer's task (and what follows it)."""
        return ("dags", self.dag_id, "runs", self.run_id, "tasks", self.selected, *rest)

    @rx.var
    def selected_task(self) -> dict[str, Any]:
        """The drawer's task; for a mapped task, as its chosen instance has it."""
        task = next((t for t in self.tasks if t["task_id"] == self.selected), None)
        instance = next((i for i in self.instances if i["map_index"] == self.map_index), None)
        return {**(task or {}), **(instance or {})}

    def _snapshot_request(self) -> tuple[tuple[str, ...], dict[str, str]]:
        """The snapshot route's path, as segments, and its query for the groups collapsed now."""
        path = ("dags", self.dag_id, "runs", self.run_id, "snapshot")
        return path, self._graph_params()

    def _apply(self, snapshot: dict[str, Any] | None, etag: str) -> bool:
        """Show a snapshot (None: the one shown has not changed); True when a state changed."""
        if snapshot is None:
            return False
        self._snapshot_etag = etag
        before = (self.run.get("state"), [t.get("state") for t in self.tasks])
        self.run = run_row(snapshot["run"])
        self._draw_graph(snapshot["graph"], self.run_id)
        self.tasks = [task_row(t) for t in snapshot["tasks"]]
        return before != (self.run.get("state"), [t.get("state") for t in self.tasks])

    async def _refresh(self) -> bool:
        """Fetch the run's snapshot (run, graph and tasks in one call, or a 304 when nothing
        changed since the one shown); True when a state changed."""
        path, params = self._snapshot_request()
        async with self.api() as api:
            snapshot, etag = await api.orchestrator_if_changed(
                self._snapshot_etag, *path, params=params
            )
        return self._apply(snapshot, etag)

    @event
    async def show_tab(self, value: str) -> None:
        """Open a tab. The graph and grid, not polled while the Gantt was open, are read again
        when they come back; the Gantt reads itself (``GanttState.follow_tab``)."""
        left_gantt = self.tab == "gantt"
        self.tab = value
        if left_gantt:
            try:
                await self._refresh()
            except ApiError as exc:
                self.error = exc.detail

    @event
    async def toggle_group(self, group_id: str) -> None:
        """Collapse the group into one node, or expand it again, and fetch the graph anew."""
        self._toggle(group_id)
        try:
            await self._refresh()
        except ApiError as exc:
            self.error = exc.detail

    @event
    async def load(self) -> None:
        """Fetch the run, its graph and tasks (one snapshot). The page's load goes on with the
        task drawer the URL names (``LogState.open_linked_task``), then the Gantt and the
        watch (``GanttState.follow_load``). The tab open stays open (a tab chosen while the
        page loaded is not undone)."""
        self.error = ""
        self.drawer_open = False
        self.collapsed = []
        self._snapshot_etag = ""
        try:
            await self._refresh()
        except ApiError as exc:
            self.error = exc.detail

    async def _select_task(self, task_id: str) -> bool:
        """Open the drawer on a task (a mapped one on its first instance); False when its
        instances could not be read (the drawer says why)."""
        self.selected = task_id
        self.drawer_open = True
        self.instances = []
        self.instances_total = 0
        self.action_message = ""
        self.map_index = -1
        if not self.selected_task.get("is_mapped"):
            return True
        try:
            async with self.api() as api:
                body = await api.orchestrator(
                    "GET", *self.task_path("mapped"), params={"limit": MAX_INSTANCES}
                )
        except ApiError as exc:
            self.action_message = exc.detail
            return False
        self.instances = [instance_row(i) for i in body["instances"]]
        self.instances_total = int(body["total"])
        self.map_index = int(self.instances[0]["map_index"]) if self.instances else 0
        return True
