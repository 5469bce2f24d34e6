"""The Backfills tab's state against the real API in process and the real test Airflow: a
backfill is previewed before it may start (and only as previewed), a second one is refused
while the first is paused, the first is cancelled behind a confirmation, and each refusal is
said plainly: per field where the API names fields, Airflow's own words otherwise."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from airdeck_web.api_client import ApiError
from airdeck_web.models import BackfillRequest
from airdeck_web.states.backfill import ONE_AT_A_TIME, BackfillState
from airdeck_web.states.dag import DagState
from tests.integration.web.test_states import fire, in_process_api, signed_in, state_of
from tests.support.backfills import end_active_backfills
from tests.support.people import Person, mint

pytestmark = pytest.mark.integration
DAG = "etl_pipeline"


async def opened(dag_id: str, person: Person) -> BackfillState:
    """The Backfills tab of ``dag_id``'s page, as ``person`` opens it."""
    state = signed_in(state_of(BackfillState, "/workflows/[dag_id]", dag_id=dag_id), person)
    await fire(BackfillState.require_user, state)
    await fire(DagState.load, state)
    await fire(DagState.set_tab, state, "backfills")
    await fire(BackfillState.follow_tab, state, "backfills")
    return state


async def fill(state: BackfillState, first: str, last: str, max_active: str = "10") -> None:
    await fire(BackfillState.set_from_day, state, first)
    await fire(BackfillState.set_to_day, state, last)
    await fire(BackfillState.set_max_active, state, max_active)


async def test_a_backfill_starts_only_as_previewed_and_is_cancelled_after_confirming(
    make_app: Callable[..., Litestar], airflow: Any, person: Person
) -> None:
    await asyncio.to_thread(end_active_backfills, airflow, DAG)
    async with in_process_api(make_app):
        state = await opened(DAG, person)
        assert state.can_backfill and state.backfills_of == DAG and state.list_error == ""

        await fire(BackfillState.preview, state)
        assert state.input_errors == {"from_date": "choose a day", "to_date": "choose a day"}
        assert state.form_error.startswith("Fix the fields") and not state.can_start
        await fill(state, "2025-05-03", "2025-05-01")
        await fire(BackfillState.preview, state)
        assert state.input_errors == {"to_date": "is before from_date"}

        await fill(state, "2025-05-01", "2025-05-03", max_active="1")
        await fire(BackfillState.set_reprocess, state, "completed")
        await fire(BackfillState.preview, state)
        assert state.form_error == "" and state.input_errors == {}
        assert state.planned == ["2025-05-01", "2025-05-02", "2025-05-03"]
        assert state.can_start
        await fire(BackfillState.set_backwards, state, True)
        assert not state.can_start, "a preview holds for the inputs it was made for only"
        await fire(BackfillState.start, state)
        assert state.form_error == "Preview these inputs first; nothing was started."
        await fire(BackfillState.set_backwards, state, False)
        assert state.can_start, "the inputs previewed again"

        await fire(BackfillState.start, state)
        assert state.form_error == "" and state.notice.startswith("Backfill ")
        assert not state.can_start, "the next backfill is previewed anew"
        newest = state.backfills[0]
        assert newest["range"] == "2025-05-01 → 2025-05-03" and newest["active"]
        assert newest["progress"].endswith(" of 3 done")
        backfill_id = newest["id"]

        await fire(BackfillState.ask, state, "pause", backfill_id)
        assert (state.confirming, state.confirming_id) == ("pause", backfill_id)
        await fire(BackfillState.set_confirm_open, state, False)
        assert state.confirming == "" and state.backfills[0]["status"] == "running"
        await fire(BackfillState.ask, state, "pause", backfill_id)
        await fire(BackfillState.confirm, state)
        assert state.notice == f"Backfill {backfill_id} paused."
        assert state.backfills[0]["status"] == "paused"

        await fill(state, "2025-05-10", "2025-05-11")
        await fire(BackfillState.preview, state)
        assert state.planned == ["2025-05-10", "2025-05-11"]
        await fire(BackfillState.start, state)
        assert state.form_error.endswith(ONE_AT_A_TIME), state.form_error

        await fire(BackfillState.ask, state, "cancel", backfill_id)
        await fire(BackfillState.confirm, state)
        assert state.notice == f"Backfill {backfill_id} cancelled."
        cancelled = next(b for b in state.backfills if b["id"] == backfill_id)
        assert (cancelled["status"], cancelled["active"]) == ("completed", False)
        await fire(BackfillState.ask, state, "cancel", backfill_id)
        await fire(BackfillState.confirm, state)
        assert state.list_error.startswith(f"Backfill {backfill_id} already completed")


async def test_refusals_show_on_their_fields_or_in_airflows_words(
    make_app: Callable[..., Litestar], person: Person
) -> None:
    async with in_process_api(make_app):
        state = await opened("parametrized_report", person)
        assert {f["name"] for f in state.fields} >= {"region", "days"}
        await fill(state, "2025-02-01", "2025-02-03")
        await fire(BackfillState.set_value, state, "days", "99")
        assert "days" in state.field_errors, "the params checked as they are typed"
        await fire(BackfillState.preview, state)
        assert state.planned == [] and state.form_error.startswith("Fix the fields")

        # What the API says of a conf the form would not send: under the fields it names.
        bad: BackfillRequest = {
            "from_date": "2025-02-01T00:00:00Z",
            "to_date": "2025-02-03T00:00:00Z",
            "reprocess_behavior": "none",
            "max_active_runs": 1,
            "run_backwards": False,
            "conf": {"region": "mars", "days": 99},
        }
        async with state.api() as api:
            try:
                await api.plan_backfill("parametrized_report", bad)
            except ApiError as exc:
                refused = exc
        assert refused.status == 400
        state._refused(refused)
        assert set(state.field_errors) == {"region", "days"} and state.input_errors == {}
        assert state.form_error == refused.detail

        manual = await opened("flaky_retry", person)
        await fill(manual, "2025-02-01", "2025-02-03")
        await fire(BackfillState.preview, manual)
        assert "schedule" in manual.form_error and manual.planned == []


async def test_a_viewer_sees_the_backfills_but_may_not_backfill(
    make_app: Callable[..., Litestar],
    api_env: dict[str, str],
    request: pytest.FixtureRequest,
    person: Person,
) -> None:
    viewer = mint(Path(api_env["AIRDECK_DATA_DIR"]), f"{request.node.name}~viewer", "viewer")
    async with in_process_api(make_app):
        theirs = await opened(DAG, viewer)
        operators = await opened(DAG, person)
    assert not theirs.can_backfill and operators.can_backfill
    assert theirs.list_error == ""
    assert [b["id"] for b in theirs.backfills] == [b["id"] for b in operators.backfills]


async def test_an_api_out_of_reach_is_said_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIRDECK_API_URL", "http://127.0.0.1:9")
    state = state_of(BackfillState, "/workflows/[dag_id]", dag_id=DAG)
    await fill(state, "2025-02-01", "2025-02-03")
    await fire(BackfillState.preview, state)
    assert "cannot be reached" in state.form_error and state.planned == []
    await fire(BackfillState.follow_tab, state, "backfills")
    assert "cannot be reached" in state.list_error
