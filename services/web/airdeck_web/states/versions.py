"""The DAG page's Versions tab: the DAG's version history (Airflow 3), the code of a chosen
version and the diff between any two. Airdeck restores nothing: a DAG comes from its file or
bundle, so the tab says which bundle and bundle version produced each version instead."""

from __future__ import annotations

import reflex as rx

from airdeck_web.api_client import ApiError
from airdeck_web.models import DiffLine, VersionRow
from airdeck_web.states.dag import DagState
from airdeck_web.states.event import event
from airdeck_web.version_rows import diff_rows, diff_summary, history_rows

VERSIONS_TAB = "versions"


class VersionsState(DagState):
    """The Versions tab of /workflows/[dag_id]."""

    versions_dag: rx.Field[str] = rx.field("")
    """The DAG whose versions the tab shows (empty before they were read)."""
    history: rx.Field[list[VersionRow]] = rx.field(default_factory=list)
    version_numbers: rx.Field[list[str]] = rx.field(default_factory=list)
    """The version numbers, newest first, for the pickers."""
    code_version: rx.Field[str] = rx.field("")
    code: rx.Field[str] = rx.field("")
    diff_from: rx.Field[str] = rx.field("")
    diff_to: rx.Field[str] = rx.field("")
    diff_lines: rx.Field[list[DiffLine]] = rx.field(default_factory=list)
    diff_text: rx.Field[str] = rx.field("")
    versions_error: rx.Field[str] = rx.field("")

    async def _load(self) -> None:
        """Read the history, then the chosen version's code and the chosen diff. A new DAG
        (or a chosen version it no longer has) starts on its latest version's code and the
        diff from the version before it."""
        self.versions_error = ""
        try:
            async with self.api() as api:
                answer = await api.dag_versions(self.dag_id)
        except ApiError as exc:
            self.versions_dag, self.history, self.version_numbers = "", [], []
            self.code, self.diff_lines, self.diff_text = "", [], ""
            self.versions_error = exc.detail
            return
        rows = history_rows(answer)
        numbers = [row["number"] for row in rows]
        chosen = {self.code_version, self.diff_from, self.diff_to}
        if self.versions_dag != self.dag_id or not chosen <= set(numbers):
            latest = numbers[0] if numbers else ""
            self.code_version = self.diff_to = latest
            self.diff_from = numbers[1] if len(numbers) > 1 else latest
        self.versions_dag, self.history, self.version_numbers = self.dag_id, rows, numbers
        await self._code()
        await self._diff()

    async def _code(self) -> None:
        self.code = ""
        if not self.code_version:
            return
        try:
            async with self.api() as api:
                source = await api.dag_source(self.dag_id, int(self.code_version))
        except ApiError as exc:
            self.versions_error = exc.detail
            return
        self.code = source["content"]

    async def _diff(self) -> None:
        self.diff_lines, self.diff_text = [], ""
        if not self.diff_from or not self.diff_to:
            return
        try:
            async with self.api() as api:
                diff = await api.diff_versions(self.dag_id, int(self.diff_from), int(self.diff_to))
        except ApiError as exc:
            self.versions_error = exc.detail
            return
        self.diff_lines = diff_rows(diff["diff"])
        self.diff_text = diff_summary(diff["added"], diff["removed"])

    @event
    async def follow_tab(self, value: str) -> None:
        """After ``DagState.set_tab``: read the versions when their tab is the one opened."""
        if value == VERSIONS_TAB:
            await self._load()

    @event
    async def follow_load(self) -> None:
        """After ``DagState.load``: read the versions when their tab is open."""
        if self.tab == VERSIONS_TAB and not self.error:
            await self._load()

    @event
    async def show_code(self, number: str) -> None:
        """Show the code of version ``number``."""
        self.code_version = number
        await self._code()

    @event
    async def set_diff_from(self, number: str) -> None:
        """Diff from version ``number`` to the version chosen on the right."""
        self.diff_from = number
        await self._diff()

    @event
    async def set_diff_to(self, number: str) -> None:
        """Diff from the version chosen on the left to version ``number``."""
        self.diff_to = number
        await self._diff()
