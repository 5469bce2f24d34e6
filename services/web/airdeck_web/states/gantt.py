"""A run's Gantt tab: the API's Gantt of the run as chart rows and table rows, a zoom on its
time line, mapped tasks expanded a page of instances at a time; and the run page's watch.

The tab adds no poller of its own: while it is open, the run page's one watch asks for the
Gantt instead of the snapshot, at the same pace, so live bars grow as the page polls and a
person's reads a minute stay those of a run page (docs/adr/0020). The watch lives here, in the
one state that knows both the snapshot and the Gantt, so ``RunState`` names no substate."""

from __future__ import annotations

import asyncio
from typing import Any

import reflex as rx

from airdeck_domain.polling import next_interval
from airdeck_web.api_client import ApiError
from airdeck_web.gantt_rows import chart_rows, headline, table_rows, try_slots, zoomed
from airdeck_web.models import GanttHead, GanttSlot, GanttTableRow
from airdeck_web.rows import run_row
from airdeck_web.states.event import event
from airdeck_web.states.logs import LogState
from airdeck_web.states.run import Polled, RunState
from airdeck_web.tabs import Presence

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
    """Each task's (and shown instance's) bar, its tries stacked under keys numbered by slot
    (``gantt_rows``), so a plain dict rather than a fixed shape."""
    gantt_slots: rx.Field[list[GanttSlot]] = rx.field(default_factory=list)
    gantt_table: rx.Field[list[GanttTableRow]] = rx.field(default_factory=list)
    gantt_head: rx.Field[GanttHead] = rx.field(default_factory=lambda: headline({}, FULL_RANGE))
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

    async def _open_gantt(self) -> None:
        """Read the run's Gantt (afresh for another run than last time)."""
        this_run = f"{self.dag_id}\x1f{self.run_id}"
        if self._gantt_of != this_run:
            self._gantt, self._gantt_etag, self._gantt_of = {}, "", this_run
            self.gantt_expanded, self.gantt_pages = [], {}
            self.gantt_zoom = list(FULL_RANGE)
        await self._fetch()

    @event
    async def open_gantt(self) -> None:
        """The tab was opened: read the run's Gantt (afresh for another run than last time)."""
        await self._open_gantt()

    @event
    async def follow_tab(self, value: str) -> None:
        """After ``RunState.show_tab``: read the Gantt when its tab is the one opened."""
        if value == "gantt":
            await self._open_gantt()

    @event
    async def follow_load(self) -> Any:
        """After ``RunState.load``: read the Gantt when its tab is open, and watch the run
        while it runs (2 s → 5 s → 10 s when nothing changes)."""
        if self.error:
            return None
        if self.tab == "gantt":
            await self._open_gantt()
        if not self.watching and next_interval("run", self.run.get("state")) is not None:
            self.watching = True
            return GanttState.watch
        return None

    def _polled(self) -> Polled:
        """What the watch asks for now: the Gantt while its tab is open (its answer carries
        the run), else the snapshot; one call a round either way."""
        if self.tab == "gantt":
            return self.gantt_request()
        path, params = self._snapshot_request()
        return Polled(path, params, self._snapshot_etag)

    def _show_polled(self, answer: dict[str, Any] | None, etag: str) -> bool:
        """Show what the watch got for ``_polled``; True when a state changed."""
        if self.tab != "gantt":
            return self._apply(answer, etag)
        if answer is not None:
            self.run = run_row(answer["run"])
        return self.take(answer, etag)

    @event(background=True)
    async def watch(self) -> None:
        """Poll the run's snapshot (or, while its tab is open, the Gantt) at the polling
        policy's pace while the run's page is open (and its tab there).

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
                api, asked = self.api(), self._polled()
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
                if self._polled()[:2] != asked[:2]:
                    continue
                if problem:
                    self.error = problem
                unchanged = 0 if self._show_polled(answer, etag) else unchanged + 1

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
            return [LogState.select_task(task_id), LogState.pick_instance(map_index)]
        return LogState.select_task(task_id)
