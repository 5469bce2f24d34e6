"""The task drawer's live log: a window of rows, tailed while the task runs, searchable over the
whole log, with foldable groups. The browser gets only the window; the lines read so far stay
on the server (backend-only vars), so search, jumps and download cost no API call."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import reflex as rx

from airdeck_domain.polling import next_interval
from airdeck_web.api_client import AirdeckApi, ApiError
from airdeck_web.log_window import kept, matches, newest, searchable, to_rows, visible, window
from airdeck_web.states.event import event
from airdeck_web.states.run import RunState
from airdeck_web.tabs import Presence

# Scrolls again on each frame until the log's height holds still: the newest window's rows may
# render frames after this script first runs (2,000 rows on a busy machine), and one early
# scroll would leave the reader short of the end, with Resume still showing.
SCROLL_TO_END = (
    "(() => { const until = performance.now() + 5000; let height = -1, still = 0;"
    " const step = () => { const el = document.getElementById('log-view'); if (!el) return;"
    " el.scrollTop = el.scrollHeight; still = el.scrollHeight === height ? still + 1 : 0;"
    " height = el.scrollHeight; if (still < 10 && performance.now() < until)"
    " requestAnimationFrame(step); }; requestAnimationFrame(step); })()"
)


async def read_chunk(
    api: AirdeckApi, path: tuple[str, ...], map_index: int, cursor: str, try_number: int = 0
) -> dict[str, Any]:
    """The log lines at API ``path`` after ``cursor`` (from the start when empty), of try
    ``try_number`` (0: the latest)."""
    params: dict[str, Any] = {"map_index": map_index}
    if try_number > 0:
        params["try_number"] = try_number
    if cursor:
        params["cursor"] = cursor
    chunk: dict[str, Any] = await api.orchestrator("GET", *path, params=params)
    return chunk


def scroll_to_line(number: int) -> str:
    """Script that brings log line ``number`` into the middle of the viewer once it renders."""
    target = json.dumps(f"log-line-{number}")
    return (
        "requestAnimationFrame(() => setTimeout(() => {"
        f" const el = document.getElementById({target});"
        " if (el) { el.scrollIntoView({block: 'center'}); } }, 50))"
    )


class LogState(RunState):
    """The task drawer's events, and the open task instance's log (``RunState.selected`` at
    ``RunState.map_index``): opening, switching and closing the drawer read or drop the log."""

    total: rx.Field[int] = rx.field(0)
    """Rows read so far; the next row to arrive gets number ``total + 1``."""
    open_groups: rx.Field[list[int]] = rx.field(default_factory=list)
    cursor: rx.Field[str] = rx.field("")
    complete: rx.Field[bool] = rx.field(False)
    at_end: rx.Field[bool] = rx.field(True)
    """The window shows the newest rows (so tailing appends to it)."""
    folded: rx.Field[list[int]] = rx.field(default_factory=list)
    search: rx.Field[str] = rx.field("")
    found: rx.Field[list[int]] = rx.field(default_factory=list)
    found_total: rx.Field[int] = rx.field(0)
    current: rx.Field[int] = rx.field(-1)
    """Index into ``found`` of the match shown, -1 before the first jump."""
    tailing: rx.Field[bool] = rx.field(False)
    log_try: rx.Field[int] = rx.field(0)
    """The try whose log is shown; 0 follows the latest."""
    _try_of: str = ""
    """Which task instance ``log_try`` was chosen for: another one starts on its latest try."""
    message: rx.Field[str] = rx.field("")
    # Backend-only (leading underscore): the log is read through the API once, by opening it
    # and then tailing it; everything else is cut from these.
    _rows: list[dict[str, Any]] = []
    """The window; the browser gets it as ``shown_rows`` (less the folded lines) only."""
    _lines: list[dict[str, Any]] = []
    """Every line read so far, as ``log_window.kept`` keeps it."""
    _texts: list[str] = []
    """Every row read so far (row ``n`` at ``n - 1``) as search reads it (``searchable``)."""
    _opened: int = 0
    """Counts the logs opened in this tab, so a tail read made for another one is dropped."""

    @rx.var
    def shown_rows(self) -> list[dict[str, Any]]:
        """The window's rows, less those inside folded groups."""
        return visible(self._rows, self.folded)

    @rx.var
    def has_rows(self) -> bool:
        return bool(self._rows)

    @rx.var
    def log_key(self) -> str:
        """Changes with each log opened (the search box starts empty again)."""
        return str(self._opened)

    @rx.var
    def current_line(self) -> int:
        return self.found[self.current] if 0 <= self.current < len(self.found) else 0

    @rx.var
    def range_label(self) -> str:
        """Which lines the window holds, when it does not hold them all."""
        if not self._rows or (self._rows[0]["number"] == 1 and self.at_end):
            return f"{self.total} lines"
        return f"lines {self._rows[0]['number']} to {self._rows[-1]['number']} of {self.total} read"

    @rx.var
    def match_label(self) -> str:
        if not self.search:
            return ""
        if not self.found_total:
            return "no matches"
        position = f"{self.current + 1} of " if self.current >= 0 else ""
        return f"{position}{self.found_total} matches"

    def _take(self, chunk: dict[str, Any]) -> bool:
        """Add a chunk after what was read; True when it brought lines."""
        new, self.open_groups = to_rows(chunk["lines"], self.total + 1, self.open_groups)
        self._lines.extend(kept(line) for line in chunk["lines"])
        self._texts.extend(searchable(row["text"]) for row in new)
        self.total += len(new)
        if self.at_end:
            self._rows = newest(self._rows + new)
        self.cursor = chunk["cursor"] or ""
        self.complete = bool(chunk["is_complete"])
        return bool(new)

    def _show(self, number: int | None = None) -> None:
        """Put the window on the newest rows or, given a row ``number``, the rows around it."""
        self._rows = window(self._lines, self.total, number)
        self.at_end = not self._rows or self._rows[-1]["number"] == self.total

    def _find(self) -> None:
        """Search every row read so far for ``search`` (no API call: a keystroke costs none)."""
        self.found, self.found_total = matches(self._texts, self.search)
        self.current = min(self.current, len(self.found) - 1)

    @event
    async def select_task(self, task_id: str) -> Any:
        """Open the drawer on a task (a mapped one on its first instance) and its log."""
        return LogState.open if await self._select_task(task_id) else None

    @event
    def pick_instance(self, map_index: int) -> Any:
        """Show one instance of a mapped task (its log too)."""
        self.map_index = int(map_index)
        return LogState.open

    @event
    def close_drawer(self) -> Any:
        self.drawer_open = False
        return LogState.forget

    @event
    def set_drawer_open(self, value: bool) -> Any:
        self.drawer_open = value
        return None if value else LogState.forget

    @event
    def click_node(self, node_id: str) -> Any:
        """A click on the run's graph: a group's node toggles the group, a task's opens the
        drawer."""
        if self._is_group(node_id):
            return RunState.toggle_group(node_id)
        return LogState.select_task(node_id)

    @event
    def open_linked_task(self) -> Any:
        """After ``RunState.load``: open the drawer on the task the URL names
        (``?task=<task_id>``, a cell of the DAG's grid), if the run has it."""
        task = str(self.router.page.params.get("task") or "")
        if self.error or not any(t["task_id"] == task for t in self.tasks):
            return None
        return LogState.select_task(task)

    @event
    def forget(self) -> None:
        """Drop the log read so far (the drawer closed): the next drawer opens on an empty
        viewer, not on the last log's lines until its own arrive."""
        self._forget()

    def _forget(self) -> None:
        self._rows, self.total, self.open_groups, self.folded = [], 0, [], []
        self.cursor, self.complete, self.at_end, self.message = "", False, True, ""
        self.search, self.found, self.found_total, self.current = "", [], 0, -1
        self._lines, self._texts = [], []
        self._opened += 1

    @event
    async def open(self) -> AsyncIterator[Any]:
        """Read the selected instance's log from the top, then follow it."""
        self._forget()
        instance = f"{self.selected}[{self.map_index}]"
        if self._try_of != instance:
            self._try_of, self.log_try = instance, 0
        if not self.can_read_logs or not self.selected:
            return
        # Sent before the read: the previous log's lines leave the drawer and the search box
        # remounts now, not under the reader's cursor once the new lines arrive.
        yield
        try:
            async with self.api() as api:
                self._take(
                    await read_chunk(api, self.task_path("logs"), self.map_index, "", self.log_try)
                )
        except ApiError as exc:
            self.message = exc.detail
            return
        if not self.complete and not self.tailing:
            self.tailing = True
            yield LogState.tail

    @event(background=True)
    async def tail(self) -> None:
        """Fetch only the lines after the cursor until the log is complete or the drawer
        closes (or its tab is gone), at the polling policy's pace: often while lines come,
        less often while they don't. The viewer scrolls along unless the reader scrolled up
        (see ``components.logs``).

        The state is locked only to read where to ask and to apply the answer, never while
        the API answers, so the reader's search and clicks never wait for a poll."""
        unchanged = 0
        presence = Presence(self.router.session.client_token)
        while True:
            async with self:
                interval = next_interval("logs", "success" if self.complete else None, unchanged)
                if interval is None or not self.drawer_open or presence.gone():
                    self.tailing = False
                    return
            await asyncio.sleep(interval)
            async with self:
                if self.complete or not self.drawer_open:
                    continue
                opened, cursor, try_number = self._opened, self.cursor, self.log_try
                api, path, map_index = self.api(), self.task_path("logs"), self.map_index
            try:
                async with api:
                    chunk: dict[str, Any] | None = await read_chunk(
                        api, path, map_index, cursor, try_number
                    )
                problem = ""
            except ApiError as exc:
                chunk, problem = None, exc.detail
            async with self:
                # Another log opened meanwhile is followed from its own cursor next round.
                if self._opened != opened or self.cursor != cursor:
                    continue
                self.message = problem
                grew = chunk is not None and self._take(chunk)
                unchanged = 0 if grew else unchanged + 1
                if grew and self.search:
                    self._find()

    @rx.var
    def tries(self) -> list[str]:
        """The tries of the open instance, newest first, as the try picker lists them."""
        latest = int(self.selected_task.get("try_number") or 0)
        return [str(n) for n in range(latest, 0, -1)]

    @rx.var
    def try_shown(self) -> str:
        """The try whose log is shown (the latest when none was picked)."""
        return str(self.log_try or int(self.selected_task.get("try_number") or 0))

    @event
    async def choose_try(self, value: str) -> Any:
        """Show the log of try ``value`` (the newest one follows new lines again)."""
        chosen = int(value)
        latest = int(self.selected_task.get("try_number") or 0)
        self.log_try = 0 if chosen >= latest else max(1, chosen)
        return LogState.open

    @event
    def set_search(self, value: str) -> Any:
        """Search the whole log read so far (not only the window) and show the first match."""
        self.search = value
        self.current = -1
        self._find()
        return self._jump(0) if self.found else None

    def _jump(self, index: int) -> Any:
        """Show match ``index`` (wrapping around), unfolding the groups it sits in."""
        self.current = index % len(self.found)
        number = self.found[self.current]
        if not any(row["number"] == number for row in self._rows):
            self._show(number)
        for row in self._rows:
            if row["number"] == number:
                self.folded = [g for g in self.folded if g not in row["within"]]
        return rx.call_script(scroll_to_line(number))

    @event
    def next_match(self) -> Any:
        return self._jump(self.current + 1) if self.found else None

    @event
    def previous_match(self) -> Any:
        return self._jump(self.current - 1) if self.found else None

    @event
    def resume(self) -> Any:
        """Back to the newest lines, following them again."""
        if not self.at_end:
            self._show()
        return rx.call_script(SCROLL_TO_END)

    @event
    def toggle_fold(self, number: int) -> None:
        """Fold a log group's lines under its header, or unfold them."""
        self.folded = (
            [g for g in self.folded if g != number]
            if number in self.folded
            else [*self.folded, number]
        )

    @event
    def download(self) -> Any:
        """The open instance's log as read so far, as a file (the viewer shows only a window;
        a live log is at most one tail poll behind)."""
        name = f"{self.dag_id}.{self.selected}" + (
            f".{self.map_index}" if self.map_index >= 0 else ""
        )
        text = "\n".join(str(line["text"]) for line in self._lines)
        return rx.download(data=text + "\n", filename=f"{name}.log")
