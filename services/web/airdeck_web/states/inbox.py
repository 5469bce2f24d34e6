"""The required-actions inbox: the header's count of requests waiting for the person, the
/inbox list, and the dialog that answers one request (its options, or its form drawn by the
trigger form's renderer from the request's params)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import reflex as rx

from airdeck_domain.polling import next_interval
from airdeck_web.api_client import ApiError
from airdeck_web.models import OpenRequest, RequiredActionRow
from airdeck_web.param_form import form_problems
from airdeck_web.states.auth import AuthState
from airdeck_web.states.event import event
from airdeck_web.states.params_form import ParamsFormState
from airdeck_web.tabs import Presence
from airdeck_web.timefmt import exact

PAGE_SIZE = 25
ALL_DAGS = "all"
CLOSED = "This request was already answered or is no longer waiting"
FORM_PREFIX = "params_input."


def inbox_row(action: dict[str, Any]) -> RequiredActionRow:
    """An API request as the inbox's row shows it."""
    map_index = int(action.get("map_index", -1))
    since = str(action.get("created_at") or "")
    return RequiredActionRow(
        dag_id=action["dag_id"],
        dag_label=str(action.get("dag_display_name") or action["dag_id"]),
        dag_href=f"/workflows/{quote(action['dag_id'], safe='')}"
        f"?deployment={quote(str(action.get('deployment') or ''), safe='')}",
        run_id=action["run_id"],
        task_id=action["task_id"],
        map_index=map_index,
        subject=str(action.get("subject") or ""),
        since=since,
        since_exact=exact(since),
    )


def open_request(action: dict[str, Any]) -> OpenRequest:
    """An API request as the dialog shows it."""
    return OpenRequest(
        dag_id=action["dag_id"],
        run_id=action["run_id"],
        task_id=action["task_id"],
        map_index=int(action.get("map_index", -1)),
        subject=str(action.get("subject") or ""),
        body=str(action.get("body") or ""),
        options=[str(o) for o in action.get("options") or []],
        multiple=bool(action.get("multiple")),
        has_form=bool((action.get("params_schema") or {}).get("properties")),
        waiting=bool(action.get("waiting")),
    )


class PendingCountState(AuthState):
    """The top bar's count of requests waiting for a person who may answer them."""

    pending: rx.Field[int] = rx.field(0)
    counting: rx.Field[bool] = rx.field(False)

    @event(background=True)
    async def watch_count(self) -> None:
        """While the tab is open and its person may answer requests: read the count at once,
        then at the health bar's pace (one read per 30 s); one watcher per tab."""
        async with self:
            if self.counting or not self.can_respond:
                return
            self.counting = True
        presence = Presence(self.router.session.client_token)
        pace = next_interval("health") or 30.0
        while True:
            async with self:
                if presence.gone() or not self.can_respond:
                    self.counting = False
                    return
                api = self.api()
            try:
                async with api:
                    count: int | None = await api.required_action_count()
            except ApiError:
                count = None  # keep the last count; the next round asks again
            async with self:
                if count is not None:
                    self.pending = count
            await asyncio.sleep(pace)


class InboxState(ParamsFormState, PendingCountState):
    """What /inbox shows, and the request open in its dialog."""

    actions: rx.Field[list[RequiredActionRow]] = rx.field(default_factory=list)
    total: rx.Field[int] = rx.field(0)
    page: rx.Field[int] = rx.field(1)
    dag_filter: rx.Field[str] = rx.field(ALL_DAGS)
    dag_ids: rx.Field[list[str]] = rx.field(default_factory=list)
    """The DAGs of the requests seen so far: the filter's choices."""
    error: rx.Field[str] = rx.field("")
    notice: rx.Field[str] = rx.field("")
    """What the last answer did."""

    request: rx.Field[OpenRequest | None] = rx.field(None)
    dialog_open: rx.Field[bool] = rx.field(False)
    picked: rx.Field[list[str]] = rx.field(default_factory=list)
    """The options ticked, when the request takes several or comes with a form."""
    responding: rx.Field[bool] = rx.field(False)
    respond_error: rx.Field[str] = rx.field("")

    @rx.var
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))

    @rx.var
    def dag_choices(self) -> list[str]:
        return [ALL_DAGS, *self.dag_ids]

    @event
    async def load(self) -> Any:
        """The first page of waiting requests, and the header's count kept current."""
        self.page, self.dialog_open = 1, False
        await self._fetch()
        return PendingCountState.watch_count

    @event
    async def filter_dag(self, dag_id: str) -> None:
        """Only ``dag_id``'s requests (``all``: every DAG's)."""
        self.dag_filter, self.page = dag_id, 1
        await self._fetch()

    @event
    async def step(self, pages: int) -> None:
        """Go ``pages`` pages on (positive) or back (negative), within the inbox."""
        self.page = min(max(1, self.page + pages), self.pages)
        await self._fetch()

    async def _fetch(self) -> None:
        params: dict[str, Any] = {"page": self.page, "limit": PAGE_SIZE, "state": "pending"}
        if self.dag_filter != ALL_DAGS:
            params["dag_id"] = self.dag_filter
        try:
            async with self.api() as api:
                body = await api.required_actions(params)
        except ApiError as exc:
            self.error, self.actions, self.total = exc.detail, [], 0
            return
        self.error = ""
        self.total = int(body["total"])
        self.actions = [inbox_row(a) for a in body["actions"]]
        self.dag_ids = sorted({*self.dag_ids, *(a["dag_id"] for a in self.actions)})
        if self.dag_filter == ALL_DAGS:
            self.pending = self.total

    @event
    async def open_action(self, dag_id: str, run_id: str, task_id: str, map_index: int) -> None:
        """Open one request in the dialog, read afresh."""
        self.respond_error, self.field_errors, self.picked, self.notice = "", {}, [], ""
        try:
            async with self.api() as api:
                action = await api.required_action(dag_id, run_id, task_id, map_index)
        except ApiError as exc:
            self.error = exc.detail
            return
        self.request = open_request(action)
        self._draw_form(action.get("params_schema") or {})
        self.dialog_open = True

    @event
    def set_dialog_open(self, value: bool) -> None:
        self.dialog_open = value

    @event
    def pick(self, option: str, on: bool) -> None:
        """Tick or untick an option; one at a time unless the request takes several."""
        multiple = bool(self.request and self.request["multiple"])
        kept = [o for o in self.picked if o != option] if multiple else []
        self.picked = [*kept, option] if on else kept

    @event(background=True)
    async def choose(self, option: str) -> None:
        """Answer the request with ``option`` alone (Approve, Reject, or one choice)."""
        await self._respond({"chosen_options": [option]})

    @event(background=True)
    async def submit(self) -> None:
        """Answer with the form's values (checked against its params first) and the options
        ticked (none: the request's default)."""
        async with self:
            answer: dict[str, Any] = {}
            if self.picked:
                answer["chosen_options"] = list(self.picked)
            if self._params_schema.get("properties"):
                conf, self.field_errors = form_problems(self._params_schema, self.values)
                if self.field_errors:
                    self.respond_error = "Fix the fields marked in red; nothing was sent."
                    return
                answer["params_input"] = conf
            elif not self.picked:
                self.respond_error = "Choose an option first."
                return
        await self._respond(answer)

    async def _respond(self, answer: dict[str, Any]) -> None:
        """Send the answer (the API may hold it ~10 s while the request is fresh; the buttons
        show it is under way and the page stays usable), then refresh the list and count."""
        async with self:
            if self.responding or self.request is None:
                return
            self.responding, self.respond_error = True, ""
            request, api = self.request, self.api()
        try:
            async with api:
                await api.respond(
                    request["dag_id"],
                    request["run_id"],
                    request["task_id"],
                    request["map_index"],
                    answer,
                )
            problem: ApiError | None = None
        except ApiError as exc:
            problem = exc
        async with self:
            self.responding = False
            if self.request != request:
                return
            if problem is None:
                self.dialog_open = False
                self.notice = f"Answered: {request['subject']}"
            else:
                self._show_refusal(problem)
            await self._fetch()

    def _show_refusal(self, problem: ApiError) -> None:
        """A refused answer: per-field errors under their fields, a closed request said so."""
        if problem.status == 409:
            self.respond_error = f"{CLOSED}: {problem.detail}"
            return
        others = self._show_api_errors(problem.errors, FORM_PREFIX)
        self.respond_error = " ".join([problem.detail, *(f"{k}: {v}" for k, v in others.items())])
