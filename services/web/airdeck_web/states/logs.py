"""The task drawer's live log: a window of rows, tailed while the task runs, searchable over the
whole log, with foldable groups. The whole log never lives in the state, only its window."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import reflex as rx

from airdeck_domain.polling import next_interval
from airdeck_web.api_client import ApiError
from airdeck_web.log_window import MAX_ROWS, around, matches, newest, to_rows, visible
from airdeck_web.states.run import RunState

SCROLL_TO_END = (
    "requestAnimationFrame(() => { const el = document.getElementById('log-view');"
    " if (el) { el.scrollTop = el.scrollHeight; } })"
)


def scroll_to_line(number: int) -> str:
    """Script that brings log line ``number`` into the middle of the viewer once it renders."""
    target = json.dumps(f"log-line-{number}")
    return (
        "requestAnimationFrame(() => setTimeout(() => {"
        f" const el = document.getElementById({target});"
        " if (el) { el.scrollIntoView({block: 'center'}); } }, 50))"
    )


class LogState(RunState):
    """The open task instance's log (``RunState.selected`` at ``RunState.map_index``)."""

    rows: list[dict[str, Any]] = []
    total: int = 0
    """Rows read so far; the next row to arrive gets number ``total + 1``."""
    open_groups: list[int] = []
    cursor: str = ""
    complete: bool = False
    at_end: bool = True
    """The window shows the newest rows (so tailing appends to it)."""
    folded: list[int] = []
    search: str = ""
    found: list[int] = []
    found_total: int = 0
    current: int = -1
    """Index into ``found`` of the match shown, -1 before the first jump."""
    tailing: bool = False
    message: str = ""

    @rx.var
    def shown_rows(self) -> list[dict[str, Any]]:
        """The window's rows, less those inside folded groups."""
        return visible(self.rows, self.folded)

    @rx.var
    def current_line(self) -> int:
        return self.found[self.current] if 0 <= self.current < len(self.found) else 0

    @rx.var
    def range_label(self) -> str:
        """Which lines the window holds, when it does not hold them all."""
        if not self.rows or (self.rows[0]["number"] == 1 and self.at_end):
            return f"{self.total} lines"
        return f"lines {self.rows[0]['number']} to {self.rows[-1]['number']} of {self.total} read"

    @rx.var
    def match_label(self) -> str:
        if not self.search:
            return ""
        if not self.found_total:
            return "no matches"
        position = f"{self.current + 1} of " if self.current >= 0 else ""
        return f"{position}{self.found_total} matches"

    async def _chunk(self, cursor: str) -> dict[str, Any]:
        params: dict[str, Any] = {"map_index": self.map_index}
        if cursor:
            params["cursor"] = cursor
        async with self.api() as api:
            chunk: dict[str, Any] = await api.orchestrator(
                "GET", *self.task_path("logs"), params=params
            )
        return chunk

    async def _raw_lines(self) -> tuple[list[dict[str, Any]], str, bool]:
        """Every line of the log as the API gives it now, the cursor after them and whether the
        log is complete (the lines are held only while handling one event, never stored)."""
        lines: list[dict[str, Any]] = []
        cursor = ""
        while True:
            chunk = await self._chunk(cursor)
            lines += chunk["lines"]
            cursor = chunk["cursor"] or ""
            if chunk["is_complete"] or not chunk["lines"] or not cursor:
                return lines, cursor, bool(chunk["is_complete"])

    async def _reread(self) -> list[dict[str, Any]]:
        """Read the whole log again and carry on tailing from its end; returns every row (the
        caller puts the window where it wants it)."""
        lines, self.cursor, self.complete = await self._raw_lines()
        whole, self.open_groups = to_rows(lines, 1, [])
        self.total = len(whole)
        return whole

    def _window(self, whole: list[dict[str, Any]], number: int | None = None) -> None:
        """Show the newest rows of ``whole`` or, given a row ``number``, the rows around it."""
        self.rows = newest(whole) if number is None else around(whole, number)
        self.at_end = not self.rows or self.rows[-1]["number"] == self.total

    def _take(self, chunk: dict[str, Any]) -> bool:
        """Add a chunk after what was read; True when it brought lines."""
        new, self.open_groups = to_rows(chunk["lines"], self.total + 1, self.open_groups)
        self.total += len(new)
        if self.at_end:
            self.rows = newest(self.rows + new)
        self.cursor = chunk["cursor"] or ""
        self.complete = bool(chunk["is_complete"])
        return bool(new)

    @rx.event
    async def open(self) -> Any:
        """Start reading the selected instance's log from the top, then follow it."""
        self.rows, self.total, self.open_groups, self.folded = [], 0, [], []
        self.cursor, self.complete, self.at_end, self.message = "", False, True, ""
        self.search, self.found, self.found_total, self.current = "", [], 0, -1
        if not self.can_read_logs or not self.selected:
            return None
        try:
            self._take(await self._chunk(""))
        except ApiError as exc:
            self.message = exc.detail
            return None
        if not self.complete and not self.tailing:
            self.tailing = True
            return LogState.tail
        return None

    @rx.event(background=True)
    async def tail(self) -> None:
        """Fetch only the lines after the cursor until the log is complete or the drawer
        closes, every 2 s while lines come and less often while they don't. The viewer
        scrolls along unless the reader scrolled up (see ``components.logs``)."""
        unchanged = 0
        while True:
            async with self:
                interval = next_interval("logs", "success" if self.complete else None, unchanged)
                if interval is None or not self.drawer_open:
                    self.tailing = False
                    return
            await asyncio.sleep(interval)
            async with self:
                # The state is locked while reading, so an instance opened meanwhile is
                # followed from its own cursor on the next round.
                if self.complete or not self.drawer_open:
                    continue
                try:
                    grew = self._take(await self._chunk(self.cursor))
                except ApiError as exc:
                    self.message = exc.detail
                    grew = False
                else:
                    self.message = ""
                unchanged = 0 if grew else unchanged + 1
                if grew and self.search and self._whole_log_in_window:
                    self._search_window()

    def _search_window(self) -> None:
        """Search the window alone: enough while it holds the whole log."""
        self.found, self.found_total = matches(self.rows, self.search)
        self.current = min(self.current, len(self.found) - 1)

    @property
    def _whole_log_in_window(self) -> bool:
        return self.at_end and self.total <= MAX_ROWS

    @rx.event
    async def set_search(self, value: str) -> Any:
        """Search the whole log (not only the window) and show the first match."""
        self.search = value
        self.current = -1
        if not value:
            self.found, self.found_total = [], 0
            return None
        if self._whole_log_in_window:
            self._search_window()
        else:
            try:
                whole = await self._reread()
            except ApiError as exc:
                self.message = exc.detail
                return None
            self.found, self.found_total = matches(whole, value)
            self._window(whole, self.found[0] if self.found else None)
        return await self._jump(0) if self.found else None

    async def _jump(self, index: int) -> Any:
        """Show match ``index`` (wrapping around), unfolding the groups it sits in."""
        self.current = index % len(self.found)
        number = self.found[self.current]
        if not any(row["number"] == number for row in self.rows):
            try:
                self._window(await self._reread(), number)
            except ApiError as exc:
                self.message = exc.detail
                return None
        for row in self.rows:
            if row["number"] == number:
                self.folded = [g for g in self.folded if g not in row["within"]]
        return rx.call_script(scroll_to_line(number))

    @rx.event
    async def next_match(self) -> Any:
        return await self._jump(self.current + 1) if self.found else None

    @rx.event
    async def previous_match(self) -> Any:
        return await self._jump(self.current - 1) if self.found else None

    @rx.event
    async def resume(self) -> Any:
        """Back to the newest lines, following them again."""
        if not self.at_end:
            try:
                self._window(await self._reread())
            except ApiError as exc:
                self.message = exc.detail
                return None
        return rx.call_script(SCROLL_TO_END)

    @rx.event
    def toggle_fold(self, number: int) -> None:
        """Fold a log group's lines under its header, or unfold them."""
        self.folded = (
            [g for g in self.folded if g != number]
            if number in self.folded
            else [*self.folded, number]
        )

    @rx.event
    async def download(self) -> Any:
        """The whole log of the open instance as a file (the viewer keeps only a window)."""
        try:
            lines, _, _ = await self._raw_lines()
        except ApiError as exc:
            self.message = exc.detail
            return None
        name = f"{self.dag_id}.{self.selected}" + (
            f".{self.map_index}" if self.map_index >= 0 else ""
        )
        text = "\n".join(str(line["text"]) for line in lines)
        return rx.download(data=text + "\n", filename=f"{name}.log")
