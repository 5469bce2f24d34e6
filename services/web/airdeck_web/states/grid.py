"""The DAG page's cross-run grid: its tasks by its last runs, drawn a window of rows at a time.

Every row stays on the server (backend-only vars); the browser gets the run columns and the
rows around its viewport (``grid_rows.window``), and tells the server where it scrolled to.
"""

from __future__ import annotations

from urllib.parse import quote

import reflex as rx

from airdeck_domain.grid import GridRow, visible_rows
from airdeck_web.api_client import ApiError
from airdeck_web.grid_rows import ASSUMED_VIEWPORT, parse, run_columns, window, window_rows
from airdeck_web.states.dag import DagState
from airdeck_web.states.event import event

GRID_RUNS = 25
"""Runs the grid shows: Airflow's own grid default."""


class GridState(DagState):
    """The Grid tab of /workflows/[dag_id]."""

    grid_dag: rx.Field[str] = rx.field("")
    """The DAG the grid shows (empty before it loaded)."""
    grid_runs: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    grid_run_ids: rx.Field[list[str]] = rx.field(default_factory=list)
    grid_run_paths: rx.Field[list[str]] = rx.field(default_factory=list)
    """The run ids as URL path segments (percent-encoded: run ids hold ``+`` and ``:``)."""
    grid_rows: rx.Field[list[dict[str, object]]] = rx.field(default_factory=list)
    """The window of rows the browser draws, from row ``grid_start`` on."""
    grid_start: rx.Field[int] = rx.field(0)
    grid_total: rx.Field[int] = rx.field(0)
    """Rows shown with the collapsed groups folded (the window is cut from these)."""
    grid_tasks: rx.Field[int] = rx.field(0)
    grid_collapsed: rx.Field[list[str]] = rx.field(default_factory=list)
    grid_error: rx.Field[str] = rx.field("")
    # Backend-only (leading underscore): Reflex never sends these to the browser.
    _grid: list[GridRow] = []
    """Every row of the grid."""
    _shown: list[GridRow] = []
    """The rows not inside a collapsed group."""
    _scroll_top: int = 0
    _viewport: int = ASSUMED_VIEWPORT

    def _cut(self) -> None:
        """Draw the window of the shown rows that the viewport's position calls for."""
        start, end = window(self._scroll_top, self._viewport, len(self._shown))
        self.grid_start = start
        self.grid_rows = window_rows(self._shown, start, end, set(self.grid_collapsed))

    def _fold(self) -> None:
        """Take the collapsed groups into account, then draw the window."""
        self._shown = visible_rows(self._grid, self.grid_collapsed)
        self.grid_total = len(self._shown)
        self._cut()

    async def _fetch(self) -> bool:
        """Fetch the grid of the DAG's last runs, keeping the groups folded before folded for
        the same DAG; False (and ``grid_error`` set) when the API refused."""
        self.grid_error = ""
        try:
            async with self.api() as api:
                body = await api.orchestrator(
                    "GET", "dags", self.dag_id, "grid", params={"runs": GRID_RUNS}
                )
        except ApiError as exc:
            self.grid_error = exc.detail
            return False
        grid = parse(body)
        groups = {row.id for row in grid.rows if row.kind == "group"}
        kept = self.grid_collapsed if self.grid_dag == self.dag_id else []
        self.grid_collapsed = [g for g in kept if g in groups]
        self.grid_dag = self.dag_id
        self.grid_runs = run_columns(grid)
        self.grid_run_ids = [run.run_id for run in grid.runs]
        self.grid_run_paths = [quote(run.run_id, safe="") for run in grid.runs]
        self.grid_tasks = sum(1 for row in grid.rows if row.kind == "task")
        self._grid = grid.rows
        return True

    async def _load(self) -> None:
        """Fetch the grid and draw it from its top."""
        if await self._fetch():
            self._scroll_top = 0
            self._fold()

    @event
    async def follow_tab(self, value: str) -> None:
        """After ``DagState.set_tab``: read the grid when its tab is the one opened."""
        if value == "grid":
            await self._load()

    @event
    async def follow_load(self) -> None:
        """After ``DagState.load``: read the grid when its tab is open."""
        if self.tab == "grid" and not self.error:
            await self._load()

    @event
    async def refresh_grid(self) -> None:
        """Fetch the grid again and draw it where the reader is."""
        if await self._fetch():
            self._fold()

    @event
    def scrolled(self, top: float, height: float) -> None:
        """The viewport moved (or was resized): redraw the window when it has to. Pixels may
        come fractional (a zoomed page scrolls by fractions)."""
        self._scroll_top, self._viewport = int(top), int(height) or ASSUMED_VIEWPORT
        drawn = (self.grid_start, self.grid_start + len(self.grid_rows))
        if window(self._scroll_top, self._viewport, len(self._shown)) != drawn:
            self._cut()

    @event
    def toggle_group(self, group_id: str) -> None:
        """Fold a group's rows under its own, or unfold them."""
        self.grid_collapsed = (
            [g for g in self.grid_collapsed if g != group_id]
            if group_id in self.grid_collapsed
            else [*self.grid_collapsed, group_id]
        )
        self._fold()

    @event
    def collapse_all(self) -> None:
        self.grid_collapsed = [row.id for row in self._grid if row.kind == "group"]
        self._fold()

    @event
    def expand_all(self) -> None:
        self.grid_collapsed = []
        self._fold()
