"""The run page's actions on a whole run (mark it success or failed, edit its note) and the
task drawer's marks (success, failed, skipped): each opens a dialog that first shows what it
will change and acts only on Confirm. Clearing the run goes through the clear dialog
(``ClearState.open_run_clear``), which says its outcome here too."""

from __future__ import annotations

from typing import Any, Literal

import reflex as rx

from airdeck_domain.models import FINISHED_TASK_STATES
from airdeck_web.api_client import ApiError
from airdeck_web.rows import preview_rows
from airdeck_web.states.event import event
from airdeck_web.states.gantt import GanttState
from airdeck_web.states.run import RunState

Color = Literal["green", "red", "gray", "blue"]
MARK_COLORS: dict[str, Color] = {"success": "green", "failed": "red", "skipped": "gray"}
"""Each mark's colour on its buttons (as the state badges have it)."""
NOTE_COLOR: Color = "blue"
WHY_REFUSED = {
    400: "the request was refused as not valid",
    403: "your role may not do this on this DAG",
    404: "the run or task no longer exists",
    409: "it conflicts with what the run is doing now",
    429: "too many changes in a short time; wait a minute and try again",
    502: "Airflow refused Airdeck's service account; tell whoever runs Airdeck",
    503: "nothing was changed; try again in a moment",
}
"""The plain-words reason for each refusal the actions can meet, by HTTP status; the API's own
sentence follows it."""


def refusal(what: str, problem: ApiError) -> str:
    """The sentence a dialog shows when ``what`` (``"mark the run failed"``) was refused: the
    reason in plain words by its status, then the API's detail."""
    why = WHY_REFUSED.get(problem.status)
    return (
        f"Could not {what}: {why}. {problem.detail}"
        if why
        else f"Could not {what}. {problem.detail}"
    )


class RunActionsState(RunState):
    """The action dialog (one action at a time) and what the last action on the run did."""

    action_open: rx.Field[bool] = rx.field(False)
    action: rx.Field[str] = rx.field("")
    """``mark_run``, ``mark_task`` or ``note``."""
    target: rx.Field[str] = rx.field("")
    """The state a mark sets: success, failed (or, for a task, skipped)."""
    action_title: rx.Field[str] = rx.field("")
    action_summary: rx.Field[str] = rx.field("")
    confirm_label: rx.Field[str] = rx.field("")
    confirm_color: rx.Field[str] = rx.field(NOTE_COLOR)
    can_confirm: rx.Field[bool] = rx.field(False)
    action_preview: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    note_draft: rx.Field[str] = rx.field("")
    action_error: rx.Field[str] = rx.field("")
    outcome: rx.Field[str] = rx.field("")
    outcome_of: rx.Field[str] = rx.field("")
    """The run (``dag_id/run_id``) the outcome is about."""

    @rx.var
    def run_outcome(self) -> str:
        """What the last action on this page's run did ("" on another run's page)."""
        return self.outcome if self.outcome_of == f"{self.dag_id}/{self.run_id}" else ""

    def say(self, outcome: str) -> None:
        """Show ``outcome`` on this run's page."""
        self.outcome = outcome
        self.outcome_of = f"{self.dag_id}/{self.run_id}"

    def _open(self, action: str, target: str, title: str, confirm_label: str) -> None:
        self.action, self.target = action, target
        self.action_title, self.confirm_label = title, confirm_label
        self.confirm_color = MARK_COLORS.get(target, NOTE_COLOR)
        self.action_summary, self.action_error = "", ""
        self.action_preview = []
        self.can_confirm = False
        self.action_open = True

    @event
    async def open_mark_run(self, state: str) -> None:
        """Open the dialog to mark the run ``state``, listing (from the run read afresh) the
        unfinished task instances Airflow ends along with it."""
        run = await self.get_state(RunState)
        self._open("mark_run", state, f"Mark run {run.run_id} {state}", f"Mark run {state}")
        try:
            await run._refresh()
        except ApiError as exc:
            self.action_error = refusal("read the run's tasks", exc)
            return
        self.action_preview = preview_rows(
            [t for t in run.tasks if t.get("state") not in FINISHED_TASK_STATES]
        )
        was = run.run.get("state") or "none"
        ends = (
            f"Airflow ends its {len(self.action_preview)} unfinished task(s) along:"
            if self.action_preview
            else "Every task has finished, so only the run's state changes."
        )
        self.action_summary = f"The run goes from {was} to {state}. {ends}"
        self.can_confirm = True

    @event
    async def open_mark_task(self, state: str) -> None:
        """Open the dialog to mark the drawer's task instance ``state``, listing the API's dry
        run of what would change."""
        run = await self.get_state(RunState)
        self._open("mark_task", state, f"Mark {run.selected} {state}", f"Mark {state}")
        try:
            async with self.api() as api:
                would = await api.mark_task(
                    run.dag_id, run.run_id, run.selected, state, run.map_index, dry_run=True
                )
        except ApiError as exc:
            self.action_error = refusal(f"list what marking {run.selected} would change", exc)
            return
        self.action_preview = preview_rows(would)
        self.can_confirm = bool(would)
        self.action_summary = (
            f"{len(would)} task instance(s) would be marked {state}:"
            if would
            else f"Nothing would change: it is {state} already."
        )

    @event
    async def open_note(self) -> None:
        """Open the dialog on the run's note as it is now."""
        run = await self.get_state(RunState)
        self._open("note", "", f"Note on run {run.run_id}", "Save note")
        self.note_draft = str(run.run.get("note") or "")
        self.action_summary = "Shown on the run's page; an empty note removes it."
        self.can_confirm = True

    @event
    def set_note_draft(self, value: str) -> None:
        self.note_draft = value

    @event
    def cancel_action(self) -> None:
        """Close the dialog; nothing changes."""
        self.action_open = False

    @event
    def set_action_open(self, value: bool) -> None:
        """Follow the dialog closing by itself (Escape, a click outside): a cancel."""
        self.action_open = self.action_open and bool(value)

    @event
    async def confirm_action(self) -> Any:
        """Do what the dialog shows, say so, and show the run as it is now (read afresh, and
        watched again while it runs); the dialog stays open, saying why, when refused."""
        if not (self.action_open and self.can_confirm):
            return None
        run = await self.get_state(RunState)
        try:
            said = await self._act(run)
        except ApiError as exc:
            self.action_error = refusal(self._doing(run), exc)
            return None
        self.action_open = False
        if self.action == "mark_task":
            run.action_message = said
        else:
            self.say(said)
        try:
            await run._refresh()
        except ApiError as exc:
            run.error = exc.detail
        return GanttState.follow_load

    async def _act(self, run: RunState) -> str:
        """Send the dialog's action to the API; what it did, as the page says it."""
        async with self.api() as api:
            if self.action == "note":
                note = self.note_draft.strip() or None
                await api.set_run_note(run.dag_id, run.run_id, note)
                return "Note saved." if note else "Note removed."
            if self.action == "mark_run":
                await api.mark_run(run.dag_id, run.run_id, self.target)
                return f"Marked the run {self.target}."
            marked = await api.mark_task(
                run.dag_id, run.run_id, run.selected, self.target, run.map_index
            )
        return f"Marked {len(marked)} task instance(s) {self.target}."

    def _doing(self, run: RunState) -> str:
        """The dialog's action, as a refusal names it."""
        if self.action == "note":
            return "save the note"
        if self.action == "mark_run":
            return f"mark the run {self.target}"
        return f"mark {run.selected} {self.target}"
