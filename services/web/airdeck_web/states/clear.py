"""The clear dialog of a run page's task drawer: choose what to clear, see the API's dry run of
exactly those task instances, then confirm (or cancel, which sends nothing)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from airdeck_web.api_client import ApiError
from airdeck_web.states.event import event
from airdeck_web.states.run import RunState

DEFAULT_CHOICES = {"include_downstream": True, "include_upstream": False, "only_failed": False}
"""The clear route's options a person chooses in the dialog, by their API names (each a field
of ``ClearState``), as the dialog opens with them: the task and what depends on it, as
"Clear & retry" always did."""
CHOICES = tuple(DEFAULT_CHOICES)


def preview_rows(instances: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The dry run's task instances as the dialog lists them: task id, map index (blank for a
    task that is not mapped) and state."""
    return [
        {
            "task_id": str(ti["task_id"]),
            "map_index": "" if ti.get("map_index", -1) < 0 else str(ti["map_index"]),
            "state": str(ti.get("state") or "none"),
        }
        for ti in instances
    ]


class ClearState(RunState):
    """The clear dialog over the drawer's task (its chosen instance, for a mapped task)."""

    clear_open: rx.Field[bool] = rx.field(False)
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

    async def _preview(self) -> None:
        """Ask the API which task instances the choices would clear."""
        self.clear_error = ""
        path, body = await self._body(dry_run=True)
        try:
            async with self.api() as api:
                result = await api.orchestrator("POST", *path, json=body)
        except ApiError as exc:
            self.preview = []
            self.clear_error = exc.detail
            return
        self.preview = preview_rows(result["task_instances"])

    @event
    async def open_clear(self) -> None:
        """Open the dialog with the default choices and their dry run."""
        for choice, value in DEFAULT_CHOICES.items():
            setattr(self, choice, value)
        self.preview = []
        self.clear_open = True
        await self._preview()

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
    async def confirm_clear(self) -> None:
        """Clear what the preview lists, then show the run as it is now (the dialog stays
        open, saying why, when the API refuses)."""
        path, body = await self._body(dry_run=False)
        run = await self.get_state(RunState)
        try:
            async with self.api() as api:
                result = await api.orchestrator("POST", *path, json=body)
        except ApiError as exc:
            self.clear_error = exc.detail
            return
        self.clear_open = False
        run.action_message = f"Cleared {len(result['task_instances'])} task instance(s)."
        try:
            await run._refresh()
        except ApiError as exc:
            run.error = exc.detail
