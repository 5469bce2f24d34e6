"""Required actions against the real Airflow 3: runs of the example approval_flow wait for a
person twice (an approval, then a form); the inbox lists them, one reads like the trigger form,
and a response goes through Airflow's hitlDetails API, checked first, audited, refused with 409
once given and behind ``tasks:respond`` (scoped grants included)."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support import airflow_runs
from tests.support.people import Person, mint

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
P = "/api/orchestrator"
DAG = "approval_flow"
WAITING = {"awaiting_input", "deferred"}


def path(*parts: str) -> str:
    return P + "".join("/" + quote(p, safe="") for p in parts)


def action_path(run_id: str, task_id: str) -> str:
    return path("required-actions", DAG, run_id, task_id)


@pytest.fixture
def as_role(api_env: dict[str, str], request: pytest.FixtureRequest) -> Any:
    """``as_role("viewer")``: the Authorization header of a person of this test's own with
    that role (scoped ones too: ``operator@tag=approvals``)."""

    def headers(role: str) -> dict[str, str]:
        name = f"{request.node.name}~{role}"
        return mint(Path(api_env["AIRDECK_DATA_DIR"]), name, role).headers

    return headers


async def waiting_run(airflow: Any, purpose: str, task_id: str = "approve_payout") -> str:
    """A fresh run of approval_flow (an id of this session's own) once ``task_id`` waits."""
    run_id = f"manual__hitl+{purpose}:{secrets.token_hex(4)}"
    await asyncio.to_thread(airflow_runs.trigger_run, airflow, DAG, run_id)
    await asyncio.to_thread(
        airflow_runs.wait_for_task_state, airflow, DAG, run_id, task_id, WAITING, 300
    )
    return run_id


async def listed(
    client: Client,
    run_id: str,
    task_id: str,
    headers: dict[str, str] | None = None,
    **params: Any,
) -> dict[str, Any]:
    """The inbox page (as the person of ``headers``, if given) once it lists the run's task
    (the inbox is re-read from Airflow at most every few seconds)."""
    for _ in range(60):
        response = await client.get(
            path("required-actions"), params={"limit": 100, **params}, headers=headers
        )
        assert response.status_code == 200, response.text
        body = response.json()
        for action in body["actions"]:
            if (action["run_id"], action["task_id"]) == (run_id, task_id):
                return body
        await asyncio.sleep(1)
    raise AssertionError(f"{run_id} {task_id} never listed: {body}")


def states(airflow: Any, run_id: str) -> dict[str, str | None]:
    return {t["task_id"]: t["state"] for t in airflow_runs.task_instances(airflow, DAG, run_id)}


async def audit_rows(client: Client, **filters: str) -> list[dict[str, Any]]:
    response = await client.get(path("audit"), params={"limit": 200, **filters})
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()["entries"]
    return entries


async def test_an_approval_then_a_form_lets_the_run_pay_out(
    client: Client, airflow: Any, person: Person
) -> None:
    run_id = await waiting_run(airflow, "approve")
    inbox = await listed(client, run_id, "approve_payout")
    mine = [a for a in inbox["actions"] if a["run_id"] == run_id]
    assert [a["task_id"] for a in mine] == ["approve_payout"]
    (entry,) = mine
    assert entry["subject"] == f"Approve the payout of run {run_id}?"
    assert entry["options"] == ["Approve", "Reject"] and entry["multiple"] is False
    assert entry["waiting"] is True and entry["task_state"] in WAITING
    assert entry["dag_display_name"] == "Payout approval"
    assert inbox["total"] >= len(inbox["actions"]) >= 1
    count = await client.get(path("required-actions", "count"))
    assert count.status_code == 200 and count.json()["total"] >= 1
    only = await listed(client, run_id, "approve_payout", dag_id=DAG)
    assert {a["dag_id"] for a in only["actions"]} == {DAG}

    one = await client.get(action_path(run_id, "approve_payout"))
    assert one.status_code == 200, one.text
    assert "Approve" in one.json()["body"] and one.json()["params_schema"] == {}

    approved = await client.post(
        action_path(run_id, "approve_payout"), json={"chosen_options": ["Approve"]}
    )
    assert approved.status_code == 200, approved.text
    answer = approved.json()
    assert answer["response_received"] is True and answer["waiting"] is False
    assert answer["chosen_options"] == ["Approve"]
    assert answer["responded_by"]["id"] == person.subject
    again = await client.post(
        action_path(run_id, "approve_payout"), json={"chosen_options": ["Reject"]}
    )
    assert again.status_code == 409, again.text
    assert "already answered" in again.json()["detail"]

    await asyncio.to_thread(
        airflow_runs.wait_for_task_state, airflow, DAG, run_id, "payout_details", WAITING, 300
    )
    form = (await client.get(action_path(run_id, "payout_details"))).json()
    assert form["options"] == ["OK"] and form["defaults"] == ["OK"]
    schema = form["params_schema"]
    assert schema["type"] == "object"
    assert schema["properties"]["amount"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10000,
        "title": "Amount",
        "description": "How much to pay out, in euros.",
        "default": 100,
    }
    assert schema["properties"]["priority"]["enum"] == ["low", "normal", "urgent"]
    assert set(form["params"]) == {"amount", "reference", "priority"}

    invalid = await client.post(
        action_path(run_id, "payout_details"),
        json={"params_input": {"amount": 0, "reference": "nope"}},
    )
    assert invalid.status_code == 400, invalid.text
    assert set(invalid.json()["errors"]) == {"params_input.amount", "params_input.reference"}
    unknown = await client.post(
        action_path(run_id, "payout_details"), json={"params_input": {"colour": "red"}}
    )
    assert unknown.status_code == 400 and "colour" in unknown.json()["errors"]["params_input"]
    wrong_option = await client.post(
        action_path(run_id, "payout_details"), json={"chosen_options": ["Maybe"]}
    )
    assert wrong_option.status_code == 400
    assert "Maybe" in wrong_option.json()["errors"]["chosen_options"]

    sent = await client.post(
        action_path(run_id, "payout_details"),
        json={"params_input": {"amount": 250, "reference": "PO-1234"}},
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["chosen_options"] == ["OK"]
    assert sent.json()["params_input"] == {
        "amount": 250,
        "reference": "PO-1234",
        "priority": "normal",
    }
    assert await asyncio.to_thread(airflow_runs.wait_for_run, airflow, DAG, run_id) == "success"
    final = await asyncio.to_thread(states, airflow, run_id)
    assert final["pay_out"] == "success" and final["record_rejection"] == "skipped"
    stored = (await client.get(action_path(run_id, "payout_details"))).json()
    assert stored["response_received"] is True and stored["params_input"]["amount"] == 250

    rows = [
        r
        for r in await audit_rows(client, action="respond_action", user=person.subject)
        if r["run_id"] == run_id
    ]
    outcomes = sorted((r["outcome"], r["status_code"]) for r in rows)
    assert outcomes == [
        ("failure", 400),
        ("failure", 400),
        ("failure", 400),
        ("failure", 409),
        ("success", 200),
        ("success", 200),
    ]
    (approval,) = [
        r for r in rows if r["outcome"] == "success" and r["details"]["task_id"] == "approve_payout"
    ]
    assert approval["dag_id"] == DAG and approval["details"]["chosen_options"] == ["Approve"]


async def test_a_rejection_takes_the_rejection_branch(client: Client, airflow: Any) -> None:
    run_id = await waiting_run(airflow, "reject")
    rejected = await client.post(
        action_path(run_id, "approve_payout"), json={"chosen_options": ["Reject"]}
    )
    assert rejected.status_code == 200, rejected.text
    assert await asyncio.to_thread(airflow_runs.wait_for_run, airflow, DAG, run_id) == "success"
    final = await asyncio.to_thread(states, airflow, run_id)
    assert final["payout_details"] == "skipped" and final["pay_out"] == "skipped"
    assert final["record_rejection"] == "success"
    late = await client.post(
        action_path(run_id, "payout_details"), json={"params_input": {"amount": 5}}
    )
    assert late.status_code == 404, "a skipped form step never asked anybody anything"


async def test_responding_needs_tasks_respond_on_the_dag(
    client: Client, airflow: Any, as_role: Any
) -> None:
    run_id = await waiting_run(airflow, "rbac")
    url = action_path(run_id, "approve_payout")
    await listed(client, run_id, "approve_payout")

    viewer = as_role("viewer")
    seen = await listed(client, run_id, "approve_payout", viewer)
    assert any(a["run_id"] == run_id for a in seen["actions"])
    refused = await client.post(url, json={"chosen_options": ["Approve"]}, headers=viewer)
    assert refused.status_code == 403 and "tasks:respond" in refused.json()["detail"]

    elsewhere = as_role("operator@tag=etl")
    theirs = await client.get(path("required-actions"), params={"limit": 100}, headers=elsewhere)
    assert theirs.status_code == 200
    assert all(a["dag_id"] != DAG for a in theirs.json()["actions"])
    hidden = await client.get(url, headers=elsewhere)
    assert hidden.status_code == 404
    assert hidden.json()["detail"] == f"No DAG '{DAG}' in deployment 'default'"
    out_of_scope = await client.post(url, json={"chosen_options": ["Approve"]}, headers=elsewhere)
    assert out_of_scope.status_code == 404

    scoped = as_role("operator@tag=approvals")
    theirs = await listed(client, run_id, "approve_payout", scoped)
    assert {a["dag_id"] for a in theirs["actions"]} == {DAG}
    approved = await client.post(url, json={"chosen_options": ["Approve"]}, headers=scoped)
    assert approved.status_code == 200, approved.text

    await asyncio.to_thread(
        airflow_runs.wait_for_task_state, airflow, DAG, run_id, "payout_details", WAITING, 300
    )
    done = await client.post(action_path(run_id, "payout_details"), json={}, headers=scoped)
    assert done.status_code == 200, done.text
    assert done.json()["params_input"] == {
        "amount": 100,
        "reference": "PO-0001",
        "priority": "normal",
    }
    assert await asyncio.to_thread(airflow_runs.wait_for_run, airflow, DAG, run_id) == "success"

    refusals = await audit_rows(client, action="respond_action", outcome="refused")
    assert any(r["user"].endswith("~viewer") and r["dag_id"] == DAG for r in refusals)


async def test_unknown_actions_and_bad_queries(client: Client, airflow: Any) -> None:
    missing_run = await client.get(action_path("manual__hitl+no-such-run", "approve_payout"))
    assert missing_run.status_code == 404
    assert "No required action" in missing_run.json()["detail"]
    missing_dag = await client.get(path("required-actions", "no_such_dag_hitl", "r", "t"))
    assert missing_dag.status_code == 404
    answer = await client.post(
        path("required-actions", "no_such_dag_hitl", "r", "t"), json={"chosen_options": ["x"]}
    )
    assert answer.status_code == 404
    bad_state = await client.get(path("required-actions"), params={"state": "waiting"})
    assert bad_state.status_code == 400
    # Airflow answers a NUL in its dag_id filter with a 500: refused here first, plainly.
    for route in ("required-actions", "required-actions/count"):
        nul = await client.get(path(route), params={"dag_id": "approval\x00flow"})
        assert nul.status_code == 400, nul.text
        assert "dag_id" in nul.text
    extra_field = await client.post(
        action_path("manual__hitl+no-such-run", "approve_payout"), json={"approve": True}
    )
    assert extra_field.status_code == 400
    responded = await client.get(path("required-actions"), params={"state": "responded"})
    assert responded.status_code == 200
    assert all(a["response_received"] for a in responded.json()["actions"])
