"""The inbox's state against the real API in process and the real test Airflow: a run of
approval_flow waits for a person; the inbox lists it and counts it, opens its approval and then
its form (drawn from the request's params), shows the API's per-field refusal under its field
and a closed request as one."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from litestar import Litestar

from airdeck_web.api_client import ApiError
from airdeck_web.states.inbox import CLOSED, InboxState
from tests.integration.web.test_states import fire, in_process_api, signed_in, state_of
from tests.support import airflow_runs
from tests.support.people import Person

pytestmark = pytest.mark.integration
DAG = "approval_flow"
WAITING = {"awaiting_input", "deferred"}


async def listed(state: InboxState, run_id: str, task_id: str) -> None:
    """Load the inbox until it lists the request (the API re-reads Airflow every few seconds)."""
    for _ in range(30):
        await fire(InboxState.load, state)
        if any((a["run_id"], a["task_id"]) == (run_id, task_id) for a in state.actions):
            return
        await asyncio.sleep(1)
    raise AssertionError(f"{run_id} {task_id} never listed: {state.actions}")


async def waits(airflow: Any, run_id: str, task_id: str) -> None:
    await asyncio.to_thread(
        airflow_runs.wait_for_task_state, airflow, DAG, run_id, task_id, WAITING, 300
    )


async def test_the_inbox_opens_a_request_and_shows_refusals_by_field(
    make_app: Callable[..., Litestar], airflow: Any, person: Person
) -> None:
    run_id = f"manual__inbox+state:{secrets.token_hex(4)}"
    await asyncio.to_thread(airflow_runs.trigger_run, airflow, DAG, run_id)
    await waits(airflow, run_id, "approve_payout")
    async with in_process_api(make_app):
        state = signed_in(state_of(InboxState, "/inbox"), person)
        await fire(InboxState.require_user, state)
        assert state.can_respond
        await listed(state, run_id, "approve_payout")
        assert state.pending == state.total >= 1
        await fire(InboxState.open_action, state, DAG, run_id, "approve_payout", -1)
        assert state.dialog_open and state.request is not None
        assert state.request["options"] == ["Approve", "Reject"]
        assert not state.request["has_form"] and state.fields == []

        async with state.api() as api:
            await api.respond(DAG, run_id, "approve_payout", -1, {"chosen_options": ["Approve"]})
        await waits(airflow, run_id, "payout_details")
        await listed(state, run_id, "payout_details")
        await fire(InboxState.open_action, state, DAG, run_id, "payout_details", -1)
        assert state.request is not None and state.request["has_form"]
        assert [f["name"] for f in state.fields] == ["amount", "reference", "priority"]
        assert state.values["amount"] == "100"
        await fire(InboxState.set_value, state, "amount", "0")
        assert "1" in state.field_errors["amount"], "shown while typing, before any submit"

        async with state.api() as api:
            try:
                await api.respond(
                    DAG, run_id, "payout_details", -1, {"params_input": {"amount": 0}}
                )
            except ApiError as exc:
                refused = exc
            assert refused.status == 400
            state._show_refusal(refused)
            assert set(state.field_errors) == {"amount"}
            await api.respond(DAG, run_id, "payout_details", -1, {"params_input": {"amount": 5}})
            try:
                await api.respond(
                    DAG, run_id, "payout_details", -1, {"params_input": {"amount": 5}}
                )
            except ApiError as exc:
                closed = exc
        assert closed.status == 409
        state._show_refusal(closed)
        assert state.respond_error.startswith(CLOSED)
    assert await asyncio.to_thread(airflow_runs.wait_for_run, airflow, DAG, run_id) == "success"
