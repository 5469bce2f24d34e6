"""A run's Gantt tab: the API's Gantt of the run as chart rows and table rows, a zoom on its
time line, mapped tasks expanded a page of instances at a time.

The tab adds no poller of its own: while it is open, the run page's watch asks for the Gantt
instead of the snapshot (``RunState.watch``), at the same pace, so live bars grow as the page
polls and a person's reads a minute stay those of a run page (docs/adr/0020)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.api_client import ApiError
from airdeck_web.gantt_rows import chart_rows, headline, table_rows, try_slots, zoomed
from airdeck_web.states.event import event
from airdeck_web.states.run import Polled, RunState

FULL_RANGE = [0, 100]
"""The zoom that shows the whole time line, in percent of it."""


def _states(gantt: dict[str, Any]) -> list[Any]:
    """Every state in a Gantt, to tell a poll that changed something from one that did not."""
    rows = gantt.get("rows") or []
    found: list[Any] = [(gantt.get("run") or {}).get("state")]
    for row in rows:
        found.append(row.get("state_counts") or row.get("state"))
        found.extend(child.get("state") for child in row.get("instances") or ())
    return found


class GanttState(RunState):
    """What the Gantt tab of /workflows/[dag_id]/runs/[run_id] shows."""

    gantt_rows: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    gantt_slots: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    gantt_table: rx.Field[list[dict[str, Any]]] = rx.field(default_factory=list)
    gantt_head: rx.Field[dict[str, Any]] = rx.field(default_factory=dict)
    gantt_domain: rx.Field[list[float]] = rx.field(default_factory=lambda: [0.0, 1.0])
    gantt_zoom: rx.Field[list[int]] = rx.field(default_factory=lambda: list(FULL_RANGE))
    gantt_as_table: rx.Field[bool] = rx.field(False)
    gantt_expanded: rx.Field[list[str]] = rx.field(default_factory=list)
    """The mapped tasks whose instances are listed (the API is asked to expand them)."""
    gantt_pages: rx.Field[dict[str, int]] = rx.field(default_factory=dict)
    gantt_error: rx.Field[str] = rx.field("")
    _gantt: dict[str, Any] = {}
    """The Gantt as the API gave it; the browser gets only the rows drawn from it."""
    _gantt_etag: str = ""
    _gantt_of: str = ""
    """The run the Gantt shown is of, so another run's page starts afresh."""

    def gantt_request(self) -> Polled:
        """The Gantt route, its query for the mapped tasks expanded now and the ETag of the
        Gantt shown."""
        path = ("dags", self.dag_id, "runs", self.run_id, "gantt")
        params = {"expand": ",".join(self.gantt_expanded)} if self.gantt_expanded else {}
        return Polled(path, params, self._gantt_etag)

    def take(self, gantt: dict[str, Any] | None, etag: str) -> bool:
        """Show a Gantt (None: the one shown has not changed); True when a state changed."""
        if gantt is None:
            return False
        changed = _states(gantt) != _states(self._gantt)
        self._gantt, self._gantt_etag = gantt, etag
        self._draw()
        return changed

    def _draw(self) -> None:
        self.gantt_rows = chart_rows(self._gantt, self.gantt_pages)
        self.gantt_slots = try_slots(self.gantt_rows)
        # The table is built only when read as one: a chart of a big run needs no copy.
        self.gantt_table = table_rows(self._gantt, self.gantt_pages) if self.gantt_as_table else []
        self._zoom_view()

    def _zoom_view(self) -> None:
        self.gantt_head = headline(self._gantt, self.gantt_zoom)
        self.gantt_domain = zoomed(float(self._gantt.get("span") or 0.0), self.gantt_zoom)

    async def _fetch(self) -> None:
        """Read the Gantt now (a 304 when it has not changed since the one shown)."""
        asked = self.gantt_request()
        try:
            async with self.api() as api:
                gantt, etag = await api.orchestrator_if_changed(
                    asked.etag, *asked.path, params=asked.params
                )
        except ApiError as exc:
            self.gantt_error = exc.detail
            return
        self.gantt_error = ""
        self.take(gantt, etag)

    @event
    async def open_gantt(self) -> None:
        """The tab was opened: read the run's Gantt (afresh for another run than last time)."""
        this_run = f"{self.dag_id}\x1f{self.run_id}"
        if self._gantt_of != this_run:
            self._gantt, self._gantt_etag, self._gantt_of = {}, "", this_run
            self.gantt_expanded, self.gantt_pages = [], {}
            self.gantt_zoom = list(FULL_RANGE)
        await self._fetch()

    @event
    async def toggle_mapped(self, task_id: str) -> None:
        """List a mapped task's instances under it, or fold them away again."""
        if task_id in self.gantt_expanded:
            self.gantt_expanded = [t for t in self.gantt_expanded if t != task_id]
        else:
            self.gantt_expanded = [*self.gantt_expanded, task_id]
        await self._fetch()

    @event
    def turn_page(self, task_id: str, step: int) -> None:
        """Show the next (``step`` 1) or previous (-1) page of a mapped task's instances."""
        self.gantt_pages = {**self.gantt_pages, task_id: self.gantt_pages.get(task_id, 1) + step}
        self._draw()

    @event
    def set_zoom(self, value: list[int | float]) -> None:
        """Show the part of the time line between two percentages of it."""
        self.gantt_zoom = [round(v) for v in value[:2]]
        self._zoom_view()

    @event
    def reset_zoom(self) -> None:
        self.gantt_zoom = list(FULL_RANGE)
        self._zoom_view()

    @event
    def set_gantt_as_table(self, value: bool) -> None:
        self.gantt_as_table = value
        self._draw()

    @event
    def open_row(self, task_id: str, map_index: int) -> Any:
        """Open the task drawer on a row's task (on an instance's own log for an instance)."""
        if map_index >= 0:
            return [RunState.select_task(task_id), RunState.pick_instance(map_index)]
        return RunState.select_task(task_id)
