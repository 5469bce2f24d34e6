"""The DAG page's Backfills tab: the DAG's backfills with their progress (read again while one
is active and the tab is open), pause, resume and cancel behind a confirmation, and the form
that previews a backfill (its dry run) before it may be started. Its conf is drawn from the
DAG's params as the trigger dialog's is (``ParamsFormState``)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import reflex as rx

from airdeck_domain.polling import next_interval
from airdeck_web.api_client import ApiError
from airdeck_web.backfill_request import backfill_request
from airdeck_web.backfill_rows import backfill_row, day_or_time, planned_dates
from airdeck_web.models import BackfillRequest, BackfillRow, BackfillsPage
from airdeck_web.param_form import form_problems
from airdeck_web.states.dag import DAG_ROUTE, DagState
from airdeck_web.states.event import event
from airdeck_web.states.params_form import ParamsFormState
from airdeck_web.tabs import Presence

TAB = "backfills"
PAGE_SIZE = 10
CONF_PREFIX = "conf."
INPUTS = ("from_date", "to_date", "reprocess_behavior", "max_active_runs")
"""The form's own inputs, as the API names them in its per-field errors."""
CHANGES = {"pause": "paused", "unpause": "resumed", "cancel": "cancelled"}
"""Each change of a backfill → what the notice says was done."""
ONE_AT_A_TIME = (
    "Airflow runs one backfill of a DAG at a time: wait for the running one to finish, or "
    "cancel it first."
)


class BackfillState(ParamsFormState, DagState):
    """The Backfills tab of /workflows/[dag_id]."""

    backfills: rx.Field[list[BackfillRow]] = rx.field(default_factory=list)
    """A page of the DAG's backfills, newest first."""
    backfills_total: rx.Field[int] = rx.field(0)
    backfills_page: rx.Field[int] = rx.field(1)
    backfills_of: rx.Field[str] = rx.field("")
    """The DAG the list and the form are of (empty before the tab was opened)."""
    list_error: rx.Field[str] = rx.field("")
    backfill_watching: rx.Field[bool] = rx.field(False)
    # The form
    from_day: rx.Field[str] = rx.field("")
    to_day: rx.Field[str] = rx.field("")
    reprocess: rx.Field[str] = rx.field("none")
    max_active: rx.Field[str] = rx.field("10")
    backwards: rx.Field[bool] = rx.field(False)
    input_errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    """What is wrong with the form's own inputs (its conf's are ``field_errors``)."""
    form_error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    planned: rx.Field[list[str]] = rx.field(default_factory=list)
    """The logical dates the last preview would create runs for."""
    previewed: rx.Field[str] = rx.field("")
    """The inputs (``inputs_key``) the preview shown was made for; empty: none shown."""
    # The confirmation of a pause, resume or cancel
    confirming: rx.Field[str] = rx.field("")
    """The change asked for (``pause``, ``unpause``, ``cancel``); empty: none."""
    confirming_id: rx.Field[int] = rx.field(0)

    @rx.var
    def inputs_key(self) -> str:
        """The form's inputs as one text: a preview holds for these inputs only."""
        return json.dumps(
            [self.from_day, self.to_day, self.reprocess, self.max_active, self.backwards],
        ) + json.dumps(self.values, sort_keys=True)

    @rx.var
    def preview_shown(self) -> bool:
        """Whether the preview on screen is of the inputs as they are now."""
        return self.previewed != "" and self.previewed == self.inputs_key

    @rx.var
    def can_start(self) -> bool:
        """Whether "Start backfill" is offered: after a preview of these very inputs that
        lists runs to create."""
        return self.preview_shown and len(self.planned) > 0

    @rx.var
    def backfill_pages(self) -> int:
        return max(1, -(-self.backfills_total // PAGE_SIZE))

    @event
    async def follow_tab(self, value: str) -> Any:
        """After ``DagState.set_tab``: read the DAG's backfills when their tab is opened, and
        follow their progress."""
        if value == TAB:
            return await self._open()
        return None

    @event
    async def follow_load(self) -> Any:
        """After ``DagState.load``: read the DAG's backfills when their tab is open."""
        if self.tab == TAB and not self.error:
            return await self._open()
        return None

    async def _open(self) -> Any:
        """Show the DAG's backfills (the form drawn anew for a DAG not shown before) and
        start following their progress."""
        if self.backfills_of != self.dag_id:
            self.backfills_of, self.backfills_page = self.dag_id, 1
            self._draw_form(self.dag.get("params_schema") or {})
            self.from_day = self.to_day = ""
            self.input_errors, self.form_error, self.notice = {}, "", ""
            self.planned, self.previewed = [], ""
        await self._fetch()
        return BackfillState.watch_backfills

    async def _fetch(self) -> None:
        try:
            async with self.api() as api:
                page = await api.backfills(self.dag_id, self.backfills_page, PAGE_SIZE)
        except ApiError as exc:
            self.list_error = exc.detail
            return
        self._show(page)

    def _show(self, page: BackfillsPage) -> None:
        self.list_error = ""
        self.backfills_total = int(page["total"])
        self.backfills = [backfill_row(b) for b in page["backfills"]]

    def _following(self) -> bool:
        """Whether the tab is open on this DAG's backfills with one still going."""
        return (
            self.router.page.path == DAG_ROUTE
            and self.tab == TAB
            and self.backfills_of == self.dag_id
            and any(b["active"] for b in self.backfills)
        )

    @event(background=True)
    async def watch_backfills(self) -> None:
        """While the tab is open on backfills of which one is active: read their page again at
        a DAG page's pace (the polling policy's ``dag``); one watcher per tab. The state is
        locked only to read what to ask and to apply the answer."""
        async with self:
            if self.backfill_watching or not self._following():
                return
            self.backfill_watching = True
        pace = next_interval("dag") or 10.0
        presence = Presence(self.router.session.client_token)
        while True:
            await asyncio.sleep(pace)
            async with self:
                if presence.gone() or not self._following():
                    self.backfill_watching = False
                    return
                api, dag_id, page = self.api(), self.dag_id, self.backfills_page
            try:
                async with api:
                    answer: BackfillsPage | None = await api.backfills(dag_id, page, PAGE_SIZE)
                problem = ""
            except ApiError as exc:
                answer, problem = None, exc.detail
            async with self:
                # The person may have moved to another DAG or page meanwhile: apply nothing.
                if self.dag_id != dag_id or self.backfills_page != page:
                    continue
                if answer is None:
                    self.list_error = problem
                else:
                    self._show(answer)

    @event
    async def step(self, pages: int) -> None:
        """Go ``pages`` pages on (older backfills) or back (newer ones)."""
        self.backfills_page = min(max(1, self.backfills_page + pages), self.backfill_pages)
        await self._fetch()

    @event
    def set_from_day(self, value: str) -> None:
        self.from_day = value
        self._input_changed("from_date")

    @event
    def set_to_day(self, value: str) -> None:
        self.to_day = value
        self._input_changed("to_date")

    @event
    def set_reprocess(self, value: str) -> None:
        self.reprocess = value
        self._input_changed("reprocess_behavior")

    @event
    def set_max_active(self, value: str) -> None:
        self.max_active = value
        self._input_changed("max_active_runs")

    @event
    def set_backwards(self, value: bool) -> None:
        self.backwards = value

    def _input_changed(self, name: str) -> None:
        self.input_errors = {k: v for k, v in self.input_errors.items() if k != name}

    def _request(self, nothing_done: str) -> BackfillRequest | None:
        """The form's backfill, checked (its conf against the DAG's params); None after
        showing what to fix, ending with ``nothing_done``."""
        self.form_error, self.notice = "", ""
        conf, self.field_errors = form_problems(self._params_schema, self.values)
        request, self.input_errors = backfill_request(
            self.from_day, self.to_day, self.reprocess, self.max_active, self.backwards, conf
        )
        if request is None or self.field_errors:
            self.form_error = f"Fix the fields marked in red; {nothing_done}."
            return None
        return request

    def _refused(self, problem: ApiError) -> None:
        """Say why the API refused the form's backfill: per field where it names fields, the
        rule of one backfill at a time on a 409, else its own words (Airflow away among them)."""
        others = self._show_api_errors(problem.errors, CONF_PREFIX)
        self.input_errors = {k: v for k, v in others.items() if k in INPUTS}
        rest = [f"{k}: {v}" for k, v in others.items() if k not in INPUTS]
        if problem.status == 409:
            self.form_error = f"{problem.detail.rstrip('.')}. {ONE_AT_A_TIME}"
        else:
            self.form_error = " ".join([problem.detail, *rest])

    @event
    async def preview(self) -> None:
        """The form's dry run: the logical dates it would create runs for; nothing starts."""
        self.planned, self.previewed = [], ""
        request = self._request("nothing was previewed")
        if request is None:
            return
        try:
            async with self.api() as api:
                plan = await api.plan_backfill(self.dag_id, request)
        except ApiError as exc:
            self._refused(exc)
            return
        self.planned = planned_dates(plan)
        self.previewed = self.inputs_key

    @event
    async def start(self) -> Any:
        """Start the backfill just previewed (only those inputs: any change asks for a new
        preview), then list it and follow its progress."""
        if not self.can_start:
            self.form_error = "Preview these inputs first; nothing was started."
            return None
        request = self._request("nothing was started")
        if request is None:
            return None
        try:
            async with self.api() as api:
                started = await api.start_backfill(self.dag_id, request)
        except ApiError as exc:
            self._refused(exc)
            return None
        self.planned, self.previewed = [], ""
        self.notice = (
            f"Backfill {started['id']} started: {day_or_time(started.get('from_date'))} to "
            f"{day_or_time(started.get('to_date'))}."
        )
        self.backfills_page = 1
        await self._fetch()
        return BackfillState.watch_backfills

    @event
    def ask(self, change: str, backfill_id: int) -> None:
        """Ask to confirm a change (``pause``, ``unpause``, ``cancel``) of a backfill."""
        self.confirming, self.confirming_id, self.form_error = change, backfill_id, ""

    @event
    def set_confirm_open(self, value: bool) -> None:
        if not value:
            self.confirming = ""

    @event
    async def confirm(self) -> Any:
        """Make the change confirmed, then show the backfills as they now are."""
        change, backfill_id = self.confirming, self.confirming_id
        self.confirming = ""
        if change not in CHANGES:
            return None
        try:
            async with self.api() as api:
                await api.change_backfill(self.dag_id, backfill_id, change)
        except ApiError as exc:
            await self._fetch()
            self.list_error = (
                f"Backfill {backfill_id} already completed: {exc.detail}"
                if exc.status == 409
                else exc.detail
            )
            return None
        self.notice = f"Backfill {backfill_id} {CHANGES[change]}."
        await self._fetch()
        return BackfillState.watch_backfills
