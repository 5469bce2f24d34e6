"""The clear dialog of a run page's task drawer, or of the whole run (its actions menu):
choose what to clear, see the API's dry run of exactly those task instances, then confirm (or
cancel, which sends nothing)."""

from __future__ import annotations

from typing import Any, cast

import reflex as rx

from airdeck_web.api_client import ApiError
from airdeck_web.models import ApiTaskInstance
from airdeck_web.rows import preview_rows
from airdeck_web.states.event import event
from airdeck_web.states.gantt import GanttState
from airdeck_web.states.run import RunState
from airdeck_web.states.run_actions import RunActionsState, refusal

DEFAULT_CHOICES = {"include_downstream": True, "include_upstream": False, "only_failed": False}
"""The clear route's options a person chooses in the dialog, by their API names (each a field
of ``ClearState``), as the dialog opens with them: the task and what depends on it, as
"Clear & retry" always did."""
CHOICES = tuple(DEFAULT_CHOICES)


class ClearState(RunState):
    """The clear dialog over the drawer's task (its chosen instance, for a mapped task), or
    over the whole run."""

    clear_open: rx.Field[bool] = rx.field(False)
    run_wide: rx.Field[bool] = rx.field(False)
    """Whether the dialog clears the whole run (of its choices, only ``only_failed`` applies)."""
    include_downstream: rx.Field[bool] = rx.field(DEFAULT_CHOICES["include_downstream"])
    include_upstream: rx.Field[bool] = rx.field(DEFAULT_CHOICES["include_upstream"])
    only_failed: rx.Field[bool] = rx.field(DEFAULT_CHOICES["only_failed"])
    preview: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    clear_error: rx.Field[str] = rx.field("")

    async def _body(self, dry_run: bool) -> tuple[tuple[str, ...], dict[str, Any]]:
        """The clear route of the drawer's task and the body for the choices made."""
        run = await self.get_state(RunState)
        body: dict[str, Any] = {choice: getattr(self, choice) for choice in CHOICES}
        body["dry_run"] = dry_run
        if run.map_index >= 0:
            body["map_indexes"] = [run.map_index]
        return run.task_path("clear"), body

    async def _clear(self, dry_run: bool) -> list[ApiTaskInstance]:
        """Clear what the dialog is over, as chosen; with ``dry_run`` only list it."""
        run = await self.get_state(RunState)
        async with self.api() as api:
            if self.run_wide:
                return await api.clear_run(
                    run.dag_id, run.run_id, only_failed=self.only_failed, dry_run=dry_run
                )
            path, body = await self._body(dry_run)
            result = await api.orchestrator("POST", *path, json=body)
        return cast(list[ApiTaskInstance], result["task_instances"])

    async def _preview(self) -> None:
        """Ask the API which task instances the choices would clear."""
        self.clear_error = ""
        try:
            would = await self._clear(dry_run=True)
        except ApiError as exc:
            self.preview = []
            self.clear_error = refusal("list what would be cleared", exc)
            return
        self.preview = preview_rows(would)

    async def _open(self, run_wide: bool, only_failed: bool) -> None:
        for choice, value in DEFAULT_CHOICES.items():
            setattr(self, choice, value)
        self.run_wide = run_wide
        self.only_failed = only_failed
        self.preview = []
        self.clear_open = True
        await self._preview()

    @event
    async def open_clear(self) -> None:
        """Open the dialog on the drawer's task with the default choices and their dry run."""
        await self._open(run_wide=False, only_failed=DEFAULT_CHOICES["only_failed"])

    @event
    async def open_run_clear(self, only_failed: bool) -> None:
        """Open the dialog on the whole run (``only_failed``: its failed task instances) and
        its dry run."""
        await self._open(run_wide=True, only_failed=only_failed)

    @event
    async def choose(self, choice: str, value: bool) -> None:
        """Turn one of ``CHOICES`` on or off, and list what the choices clear now."""
        if choice not in CHOICES:
            return
        setattr(self, choice, bool(value))
        await self._preview()

    @event
    def cancel_clear(self) -> None:
        """Close the dialog; nothing is cleared."""
        self.clear_open = False

    @event
    def set_clear_open(self, value: bool) -> None:
        """Follow the dialog closing by itself (Escape, a click outside): a cancel."""
        self.clear_open = self.clear_open and bool(value)

    @event
    async def confirm_clear(self) -> Any:
        """Clear what the preview lists, say so (in the drawer, or on the page for the whole
        run), then show the run as it is now, watched again while it runs (the dialog stays
        open, saying why, when the API refuses)."""
        run = await self.get_state(RunState)
        try:
            cleared = await self._clear(dry_run=False)
        except ApiError as exc:
            self.clear_error = refusal("clear", exc)
            return None
        self.clear_open = False
        said = f"Cleared {len(cleared)} task instance(s)."
        if self.run_wide:
            actions = await self.get_state(RunActionsState)
            actions.say(f"{said} They run again.")
        else:
            run.action_message = said
        try:
            await run._refresh()
        except ApiError as exc:
            run.error = exc.detail
        return GanttState.follow_load
