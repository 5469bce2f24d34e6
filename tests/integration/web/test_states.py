"""The web UI's state and event handlers, run as Reflex runs them, against the real API in
process (httpx.ASGITransport) and the real test Airflow behind it."""

from __future__ import annotations

import base64
import inspect
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

import httpx
import pytest
import reflex as rx
from litestar import Litestar
from reflex.istate.data import RouterData

from airdeck_web.api_client import reach_api_through
from airdeck_web.log_window import MAX_ROWS
from airdeck_web.states.auth import AuthState
from airdeck_web.states.dag import DagState
from airdeck_web.states.logs import LogState
from airdeck_web.states.run import RunState
from airdeck_web.states.trigger import TriggerState
from airdeck_web.states.workflows import WorkflowsState
from tests.support.airflow_runs import ensure_run
from tests.support.people import Person

pytestmark = pytest.mark.integration

S = TypeVar("S", bound=rx.State)
A = TypeVar("A", bound=AuthState)
LONG_LOG_RUN = "manual__airdeck_long_log"
WARMUP = 2500


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes every request to ``inner`` and records its path, query and answer's status."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.calls: list[tuple[str, int]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.calls.append((request.url.raw_path.decode(), response.status_code))
        return response

    def since(self, mark: int, part: str) -> list[tuple[str, int]]:
        """The calls after the first ``mark`` whose path holds ``part``."""
        return [call for call in self.calls[mark:] if part in call[0]]


@asynccontextmanager
async def in_process_api(make_app: Callable[..., Litestar]) -> AsyncIterator[RecordingTransport]:
    """Every state handler's API calls go to an in-process API (local auth) at the default rate
    limits, recorded. Entered in the test itself: the app's lifespan must end in the task that
    started it."""
    app = make_app(AIRDECK_RATE_LIMITS="")
    async with app.lifespan():
        recording = RecordingTransport(httpx.ASGITransport(app=app))
        reach_api_through(recording)
        try:
            yield recording
        finally:
            reach_api_through(None)


def state_of(cls: type[S], path: str = "/", **params: str) -> S:
    """A fresh state tree, as for a new browser tab on ``path``, and its ``cls`` substate."""
    root = rx.State(_reflex_internal_init=True)  # type: ignore[call-arg]
    root.router = RouterData.from_router_data({"pathname": path, "asPath": path, "query": params})
    state: Any = root
    for name in cls.get_full_name().split(".")[1:]:
        state = state.substates[name]
    assert isinstance(state, cls)
    return state


def signed_in(state: A, person: Person) -> A:
    """``state`` of a tab whose browser ``person`` has signed in from: it holds their token,
    as a sign-in leaves it."""
    state._token = person.token
    return state


async def fire(handler: Any, state: rx.State, *args: Any) -> Any:
    """Run an event handler's body the way Reflex does for one event (sync, async or a
    generator, whose yields come back as a list)."""
    result = handler.fn(state, *args)
    if inspect.isasyncgen(result):
        return [item async for item in result]
    return await result if inspect.isawaitable(result) else result


async def test_workflows_list_pages_sorts_and_filters(
    make_app: Callable[..., Litestar], person: Person
) -> None:
    async with in_process_api(make_app):
        state = signed_in(state_of(WorkflowsState, "/workflows"), person)
        await fire(WorkflowsState.load, state)
        assert state.banner == "" and state.total >= 8
        every = [d["dag_id"] for d in state.dags]
        assert every == sorted(every)
        assert set(state.health) == {"scheduler", "db", "dag_processor", "triggerer"}

        await fire(WorkflowsState.set_page_size, state, "5")
        assert len(state.dags) == 5 and state.pages == -(-state.total // 5)
        await fire(WorkflowsState.sort, state, "dag_id")
        assert state.sort_desc and state.dags[0]["dag_id"] == max(every)
        await fire(WorkflowsState.go_to_page, state, 99)
        assert state.page == state.pages
        assert state.dags[-1]["dag_id"] == min(every)

        await fire(WorkflowsState.set_filter, state, "tag", "mapping")
        assert [d["dag_id"] for d in state.dags] == ["mapped_fanout"] and state.page == 1
        await fire(WorkflowsState.set_filter, state, "tag", "")
        await fire(WorkflowsState.set_filter, state, "owner", "platform")
        assert "slow_logger" in {d["dag_id"] for d in state.dags}
        assert "etl_pipeline" not in {d["dag_id"] for d in state.dags}
        await fire(WorkflowsState.sort, state, "owner")
        assert state.sort_by == "dag_id", "a column the API cannot sort by is ignored"


async def test_workflows_banner_when_the_api_is_away(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRDECK_API_URL", "http://127.0.0.1:9")
    state = state_of(WorkflowsState, "/workflows")
    await fire(WorkflowsState.load, state)
    assert "cannot be reached" in state.banner
    assert state.dags == []


async def test_trigger_form_checks_the_schema_before_sending(
    make_app: Callable[..., Litestar], person: Person
) -> None:
    async with in_process_api(make_app):
        state = signed_in(
            state_of(TriggerState, "/workflows/[dag_id]", dag_id="parametrized_report"), person
        )
        await fire(DagState.load, state)
        await fire(TriggerState.load_form, state)
        assert state.error == "" and {f["name"] for f in state.fields} >= {"region", "days"}
        before = state.runs_total
        await fire(TriggerState.open_trigger, state)
        await fire(TriggerState.set_value, state, "days", "99")
        assert "31" in state.field_errors["days"], "shown while typing, before any submit"
        assert await fire(TriggerState.submit_trigger, state) is None
        assert "nothing was triggered" in state.trigger_error
        await fire(TriggerState.set_value, state, "days", "3")
        assert state.field_errors == {}
        await fire(TriggerState.submit_trigger, state)
        assert state.trigger_error == "" and not state.dialog_open
        assert state.runs_total == before + 1
        assert state.runs[0]["run_id"] == state.last_triggered
        assert state.runs[0]["conf"]["days"] == 3


async def test_log_window_search_folding_and_resume(
    make_app: Callable[..., Litestar], airflow: Any, person: Person
) -> None:
    async with in_process_api(make_app) as api:
        ensure_run(airflow, "slow_logger", LONG_LOG_RUN, {"seconds": 2, "warmup_lines": WARMUP})
        state = signed_in(
            state_of(
                LogState,
                "/workflows/[dag_id]/runs/[run_id]",
                dag_id="slow_logger",
                run_id=LONG_LOG_RUN,
            ),
            person,
        )
        await fire(LogState.require_user, state)
        assert state.can_read_logs and state.user == person.subject
        await fire(LogState.load, state)
        state.selected, state.drawer_open, state.map_index = "tick", True, -1
        await fire(LogState.open, state)
        assert state.complete and state.total > WARMUP
        assert len(state._rows) == MAX_ROWS and state._rows[-1]["number"] == state.total
        assert any("done after 2 ticks" in r["text"] for r in state._rows[-5:])
        assert state.at_end
        opened = len(api.calls)

        # Typed key by key, each key searching the whole log: none reads it through the API.
        for typed in ("w", "wa", "warm-up line 1", f"warm-up line 10 of {WARMUP}"):
            await fire(LogState.set_search, state, typed)
        # A line older than the window is found; the window moves to it.
        assert state.found_total == 1 and state.match_label == "1 of 1 matches"
        assert not state.at_end
        assert any(f"warm-up line 10 of {WARMUP}" in r["text"] for r in state._rows)

        # The warm-up group's header is in this window: folding hides its lines only.
        header = next(r for r in state._rows if r["group"] == "start" and r["text"] == "Warm-up")
        await fire(LogState.toggle_fold, state, header["number"])
        shown = state.shown_rows
        assert header in shown and not any("warm-up line" in r["text"] for r in shown)
        await fire(LogState.next_match, state)
        assert state.folded == [], "jumping to a match unfolds the group it sits in"

        await fire(LogState.set_search, state, f"of {WARMUP}")
        assert state.found_total == WARMUP and state.current == 0
        await fire(LogState.previous_match, state)
        assert state.current == WARMUP - 1
        assert any(f"warm-up line {WARMUP} of {WARMUP}" in r["text"] for r in state._rows)

        await fire(LogState.resume, state)
        assert state.at_end and state._rows[-1]["number"] == state.total
        download = re.search(r"base64,([A-Za-z0-9+/=]+)", str(await fire(LogState.download, state)))
        assert download, "the download carries the log"
        text = base64.b64decode(download[1]).decode()
        assert f"warm-up line {WARMUP} of {WARMUP}" in text and "done after 2 ticks" in text
        assert api.since(opened, "/logs") == [], "search, jumps and download read no log"

        # Closing the drawer drops the log, so the next one opens empty, with a new search box.
        key = state.log_key
        await fire(LogState.set_drawer_open, state, False)
        await fire(LogState.forget, state)
        assert state._rows == [] and state.search == "" and state.log_key != key


async def test_run_page_polls_one_snapshot_and_revalidates_it(
    make_app: Callable[..., Litestar], airflow: Any, person: Person
) -> None:
    async with in_process_api(make_app) as api:
        ensure_run(airflow, "slow_logger", LONG_LOG_RUN, {"seconds": 2, "warmup_lines": WARMUP})
        state = signed_in(
            state_of(
                RunState,
                "/workflows/[dag_id]/runs/[run_id]",
                dag_id="slow_logger",
                run_id=LONG_LOG_RUN,
            ),
            person,
        )
        mark = len(api.calls)
        await fire(RunState.load, state)
        assert state.run["state"] == "success" and [t["task_id"] for t in state.tasks] == ["tick"]
        assert [n["id"] for n in state.nodes] == ["tick"]
        # What a poll does when nothing changed: one call, answered 304, nothing redrawn.
        assert await state._refresh() is False
        calls = api.calls[mark:]
        assert [status for _, status in calls] == [200, 304]
        assert all("/snapshot" in path for path, _ in calls), "one route, not run+graph+tasks"
