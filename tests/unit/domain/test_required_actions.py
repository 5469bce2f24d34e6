"""Required actions: when a request can still be answered, what a response must be before
Airflow sees it, how a form is completed from its defaults, and who may respond."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from airdeck_domain.rbac import ROLE_PERMISSIONS, DagScope, Grant, Principal, decide
from airdeck_domain.required_actions import (
    RESPONSE_SETTLE,
    RequiredAction,
    Respondent,
    chosen_or_default,
    completed_input,
    inbox,
    inbox_keys,
    is_waiting,
    response_errors,
    settle_delay,
    why_closed,
    with_schema,
)

NOW = datetime(2025, 3, 1, 12, tzinfo=UTC)
FORM_PARAMS = {
    "amount": {
        "value": 100,
        "description": "How much",
        "schema": {"type": "integer", "minimum": 1, "maximum": 10000},
    },
    "priority": {"value": "normal", "description": None, "schema": {"enum": ["low", "normal"]}},
}


def approval(**changes: object) -> RequiredAction:
    base = RequiredAction(
        dag_id="approval_flow",
        run_id="r1",
        task_id="approve_payout",
        subject="Approve?",
        options=["Approve", "Reject"],
        task_state="awaiting_input",
        created_at=NOW,
    )
    return with_schema(msgspec.structs.replace(base, **changes))


def form() -> RequiredAction:
    return approval(task_id="payout_details", options=["OK"], defaults=["OK"], params=FORM_PARAMS)


def test_a_request_waits_until_answered_or_its_task_moves_on() -> None:
    assert is_waiting("awaiting_input", False) and is_waiting("deferred", False)
    assert not is_waiting("awaiting_input", True)
    assert not is_waiting("failed", False) and not is_waiting(None, False)
    assert approval().waiting and why_closed(approval()) is None


def test_a_closed_request_says_why() -> None:
    answered = approval(
        response_received=True,
        responded_by=Respondent(id="ann", name="Ann"),
        responded_at=NOW,
        task_state="success",
    )
    assert not answered.waiting
    assert "already answered by Ann" in (why_closed(answered) or "")
    by_timeout = approval(response_received=True, task_state="success")
    assert "timeout's defaults" in (why_closed(by_timeout) or "")
    timed_out = approval(task_state="failed")
    assert "no longer waits" in (why_closed(timed_out) or "")
    assert "failed" in (why_closed(timed_out) or "")


def test_a_form_gets_the_trigger_forms_schema() -> None:
    schema = form().params_schema
    assert schema["type"] == "object"
    assert schema["properties"]["amount"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 10000,
        "default": 100,
        "description": "How much",
    }
    assert "required" not in schema, "every field has a default"
    assert approval().params_schema == {}, "an approval has no form"


def test_options_must_be_offered_and_single_unless_multiple() -> None:
    assert response_errors(approval(), ["Approve"], {}) == {}
    assert set(response_errors(approval(), [], {})) == {"chosen_options"}
    unknown = response_errors(approval(), ["Maybe"], {})
    assert "Maybe" in unknown["chosen_options"]
    both = response_errors(approval(), ["Approve", "Reject"], {})
    assert both == {"chosen_options": "only one option may be chosen"}
    assert response_errors(approval(multiple=True), ["Approve", "Reject"], {}) == {}


def test_a_form_answer_is_validated_per_field() -> None:
    action = form()
    good = completed_input(action, {"amount": 250})
    assert good == {"amount": 250, "priority": "normal"}, "defaults fill the rest"
    assert response_errors(action, ["OK"], good) == {}
    bad = response_errors(action, ["OK"], completed_input(action, {"amount": 0, "priority": "x"}))
    assert set(bad) == {"params_input.amount", "params_input.priority"}
    extra = response_errors(action, ["OK"], {"colour": "red"})
    assert set(extra) == {"params_input"} and "colour" in extra["params_input"]
    none_expected = response_errors(approval(), ["Approve"], {"note": "hi"})
    assert "it has none" in none_expected["params_input"]
    deep: dict[str, object] = {"amount": 1}
    for _ in range(10):
        deep = {"x": deep}
    assert "levels deep" in response_errors(action, ["OK"], deep)["params_input"]


def test_a_form_without_a_choice_takes_its_default_option() -> None:
    assert chosen_or_default(form(), None) == ["OK"]
    assert chosen_or_default(form(), []) == ["OK"]
    assert chosen_or_default(approval(), None) == []
    assert chosen_or_default(approval(), ["Reject"]) == ["Reject"]


def test_a_fresh_request_is_given_a_moment_before_a_response() -> None:
    assert settle_delay(NOW, NOW) == RESPONSE_SETTLE
    assert settle_delay(NOW, NOW + timedelta(seconds=4)) == RESPONSE_SETTLE - 4
    assert settle_delay(NOW, NOW + timedelta(minutes=1)) == 0.0
    assert settle_delay(NOW, NOW - timedelta(hours=1)) == RESPONSE_SETTLE, "clock skew is bounded"
    assert settle_delay(None, NOW) == 0.0


def test_a_response_drops_the_inbox_entries_it_changes() -> None:
    keys = inbox_keys("prod", "approval_flow")
    assert inbox("prod", None, "pending").key in keys
    assert inbox("prod", "approval_flow", "all").key in keys
    assert inbox("prod", "other_dag", "pending").key not in keys
    assert all(k.startswith("prod:required-actions:") for k in keys)


def test_operators_and_admins_respond_and_grants_scope_it() -> None:
    assert "tasks:respond" in ROLE_PERMISSIONS["operator"]
    assert "tasks:respond" in ROLE_PERMISSIONS["admin"]
    assert "tasks:respond" not in ROLE_PERMISSIONS["viewer"]
    scoped = Principal(subject="f", grants=(Grant(role="operator", tag="approvals"),))
    mine = DagScope(dag_id="approval_flow", tags=frozenset({"approvals"}))
    other = DagScope(dag_id="etl_pipeline", tags=frozenset({"etl"}))
    assert decide(scoped, "tasks:respond", mine).allowed
    assert not decide(scoped, "tasks:respond", other).allowed
    viewer = Principal(subject="v", grants=(Grant(role="viewer", tag="approvals"),))
    assert not decide(viewer, "tasks:respond", mine).allowed
