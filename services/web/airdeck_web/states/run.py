"""A run's page: its graph, grid and Gantt (polled while it runs), the task drawer and the live
log."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, NamedTuple

import reflex as rx

from airdeck_domain.polling import next_interval
from airdeck_web.api_client import ApiError
from airdeck_web.flow_elements import flow_edges, flow_nodes, graph_params, group_ids, toggled
from airdeck_web.rows import shown
from airdeck_web.states.auth import AuthState
from airdeck_web.states.event import event
from airdeck_web.tabs import Presence
from airdeck_web.timefmt import duration

if TYPE_CHECKING:
    from airdeck_web.states.gantt import GanttState

MAX_INSTANCES = 200
"""The drawer lists a mapped task's first instances, at most this many (the API pages them)."""


class Polled(NamedTuple):
    """What a round of the watch asks for: an API path (as segments), its query and the ETag
    of the answer shown."""

    path: tuple[str, ...]
    params: dict[str, str]
    etag: str


class RunState(AuthState):
    """What /workflows/[dag_id]/runs/[run_id] shows."""

    run: rx.Field[dict[str, Any]] = rx.field(default_factory=dict)
    nodes: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    edges: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    collapsed: rx.Field[list[str]] = rx.field(default_factory=list)
    tasks: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    error: rx.Field[str] = rx.field("")
    watching: rx.Field[bool] = rx.field(False)
    tab: rx.Field[str] = rx.field("graph")
    # The drawer
    selected: rx.Field[str] = rx.field("")
    drawer_open: rx.Field[bool] = rx.field(False)
    instances: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
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

    def task_path(self, *rest: str) -> tuple[str, ...]:
        """The API path, as segments, of the drawer's task (and what follows it)."""
        return ("dags", self.dag_id, "runs", self.run_id, "tasks", self.selected, *rest)

    @rx.var
    def selected_task(self) -> dict[str, Any]:
        """The drawer's task; for a mapped task, as its chosen instance has it."""
        task = next((t for t in self.tasks if t["task_id"] == self.selected), {})
        instance = next((i for i in self.instances if i["map_index"] == self.map_index), {})
        return {**task, **instance}

    def _snapshot_request(self) -> tuple[tuple[str, ...], dict[str, str]]:
        """The snapshot route's path, as segments, and its query for the groups collapsed now."""
        path = ("dags", self.dag_id, "runs", self.run_id, "snapshot")
        return path, graph_params(self.collapsed)

    def _apply(self, snapshot: dict[str, Any] | None, etag: str) -> bool:
        """Show a snapshot (None: the one shown has not changed); True when a state changed."""
        if snapshot is None:
            return False
        self._snapshot_etag = etag
        before = (self.run.get("state"), [t.get("state") for t in self.tasks])
        self.run = shown(snapshot["run"], "duration_seconds")
        self.nodes = flow_nodes(snapshot["graph"]["nodes"], self.collapsed)
        self.edges = flow_edges(snapshot["graph"]["edges"])
        self.tasks = [
            {
                **shown(t, "duration"),
                # A mapped task's duration is its wall-clock span; this is its median instance's.
                "p50": duration(t.get("p50_duration")),
                "counts": " ".join(
                    f"{k}:{v}" for k, v in sorted((t.get("state_counts") or {}).items())
                ),
            }
            for t in snapshot["tasks"]
        ]
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

    async def _polled(self) -> Polled:
        """What the watch asks for now: the Gantt while its tab is open (its answer carries
        the run), else the snapshot; one call a round either way."""
        if self.tab == "gantt":
            return (await self.get_state(_gantt_state())).gantt_request()
        path, params = self._snapshot_request()
        return Polled(path, params, self._snapshot_etag)

    async def _show_polled(self, answer: dict[str, Any] | None, etag: str) -> bool:
        """Show what the watch got for ``_polled``; True when a state changed."""
        if self.tab != "gantt":
            return self._apply(answer, etag)
        if answer is not None:
            self.run = shown(answer["run"], "duration_seconds")
        return (await self.get_state(_gantt_state())).take(answer, etag)

    @event
    async def show_tab(self, value: str) -> Any:
        """Open a tab. The Gantt reads its own route (and the watch polls it while open); the
        graph and grid, not polled meanwhile, are read again when they come back."""
        left_gantt = self.tab == "gantt"
        self.tab = value
        if value == "gantt":
            return _gantt_state().open_gantt
        if left_gantt:
            try:
                await self._refresh()
            except ApiError as exc:
                self.error = exc.detail
        return None

    @rx.var
    def graph_key(self) -> str:
        """Changes when the drawn groups do, so the graph is fitted to the view again."""
        return f"{self.run_id}|{','.join(self.collapsed)}"

    @event
    async def click_node(self, node_id: str) -> Any:
        """A click on the graph: a group's node toggles the group, a task's opens the drawer."""
        if node_id in group_ids(self.nodes):
            return RunState.toggle_group(node_id)
        return RunState.select_task(node_id)

    @event
    async def toggle_group(self, group_id: str) -> None:
        """Collapse the group into one node, or expand it again, and fetch the graph anew."""
        self.collapsed = toggled(self.collapsed, group_id)
        try:
            await self._refresh()
        except ApiError as exc:
            self.error = exc.detail

    @event
    async def load(self) -> Any:
        """Fetch the run, then poll while it runs (2 s → 5 s → 10 s when nothing changes);
        with ``?task=<task_id>`` in the URL (a cell of the DAG's grid), open that task's drawer.
        The tab open stays open (a tab chosen while the page loaded is not undone), the Gantt
        read for this run."""
        self.error = ""
        self.drawer_open = False
        self.collapsed = []
        self._snapshot_etag = ""
        try:
            await self._refresh()
        except ApiError as exc:
            self.error = exc.detail
            return None
        task = str(self.router.page.params.get("task") or "")
        then: list[Any] = (
            [RunState.select_task(task)] if any(t["task_id"] == task for t in self.tasks) else []
        )
        if self.tab == "gantt":
            then.append(_gantt_state().open_gantt)
        if not self.watching and next_interval("run", self.run.get("state")) is not None:
            self.watching = True
            return [RunState.watch, *then]
        return then or None

    @event(background=True)
    async def watch(self) -> None:
        """Poll the run's snapshot at the polling policy's pace while its page is open (and its
        tab there).

        The state is locked only to read what to ask and to apply the answer, never while the
        API answers, so the reader's clicks never wait for a poll."""
        unchanged = 0
        presence = Presence(self.router.session.client_token)
        while True:
            async with self:
                interval = next_interval("run", self.run.get("state"), unchanged)
                if interval is None or "/runs/" not in self.router.page.path or presence.gone():
                    self.watching = False
                    return
            await asyncio.sleep(interval)
            async with self:
                api, asked = self.api(), await self._polled()
            try:
                async with api:
                    answer, etag = await api.orchestrator_if_changed(
                        asked.etag, *asked.path, params=asked.params
                    )
                problem = ""
            except ApiError as exc:
                answer, etag, problem = None, asked.etag, exc.detail
            async with self:
                # Another run, tab, or other groups collapsed or tasks expanded, while the API
                # answered: the page already shows newer than this; the next round asks again.
                if (await self._polled())[:2] != asked[:2]:
                    continue
                if problem:
                    self.error = problem
                unchanged = 0 if await self._show_polled(answer, etag) else unchanged + 1

    @event
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

    @event
    def pick_instance(self, map_index: int) -> Any:
        """Show one instance of a mapped task (its log too)."""
        self.map_index = int(map_index)
        return _open_log()

    @event
    def close_drawer(self) -> None:
        self.drawer_open = False

    @event
    def set_drawer_open(self, value: bool) -> None:
        self.drawer_open = value

    @event
    async def mark(self, state: str) -> None:
        body: dict[str, Any] = {"state": state, "map_index": self.map_index}
        try:
            async with self.api() as api:
                await api.orchestrator("POST", *self.task_path("state"), json=body)
            self.action_message = f"Marked {state}."
            await self._refresh()
        except ApiError as exc:
            self.action_message = exc.detail


def _gantt_state() -> type[GanttState]:
    """``GanttState``, a substate of ``RunState`` whose module imports this one (see
    ``_open_log``)."""
    from airdeck_web.states.gantt import GanttState

    return GanttState


def _open_log() -> Any:
    """The event that (re)opens the drawer's log: ``LogState`` is a substate of ``RunState``,
    so its module imports this one and can only be named here once both are loaded."""
    from airdeck_web.states.logs import LogState

    return LogState.open
