"""Airflow 3's hitlDetails as they come over the wire (the shape 3.3.2 answers) become required
actions; an Airflow 2 deployment refuses them before any call."""

from __future__ import annotations

import msgspec
import pytest

from airdeck_adapters.airflow import AirflowClient, DeploymentConfig
from airdeck_adapters.airflow.hitl import WireHitlDetailCollection, required_action
from airdeck_domain.errors import InvalidInputError

PAYLOAD = {
    "hitl_details": [
        {
            "options": ["OK"],
            "subject": "Payout details for run r1",
            "body": "Confirm the amount.",
            "defaults": ["OK"],
            "multiple": False,
            "params": {
                "amount": {
                    "value": 100,
                    "description": "How much",
                    "schema": {"type": "integer", "minimum": 1},
                    "source": "task",
                }
            },
            "assigned_users": [{"id": "7", "name": "ann"}],
            "created_at": "2026-12-02T16:56:18.011801Z",
            "responded_by_user": None,
            "responded_at": None,
            "chosen_options": None,
            "params_input": {},
            "response_received": False,
            "task_instance": {
                "id": "01a237af-59f8-791c-88ca-58ce35bca08c",
                "task_id": "payout_details",
                "dag_id": "approval_flow",
                "dag_run_id": "r1",
                "map_index": -1,
                "state": "awaiting_input",
                "dag_display_name": "Payout approval",
                "task_display_name": "payout_details",
                "run_after": "2026-12-02T16:56:08.424918Z",
                "operator": "HITLEntryOperator",
            },
        }
    ],
    "total_entries": 1,
}


def test_a_waiting_form_becomes_a_required_action_with_its_schema() -> None:
    page = msgspec.json.decode(msgspec.json.encode(PAYLOAD), type=WireHitlDetailCollection)
    action = required_action(page.hitl_details[0], "prod")
    assert (action.dag_id, action.run_id, action.task_id, action.map_index) == (
        "approval_flow",
        "r1",
        "payout_details",
        -1,
    )
    assert action.deployment == "prod" and action.waiting and action.task_state == "awaiting_input"
    assert action.defaults == ["OK"] and action.assigned_users[0].name == "ann"
    assert action.params_schema == {
        "type": "object",
        "properties": {
            "amount": {"type": "integer", "minimum": 1, "default": 100, "description": "How much"}
        },
    }


async def test_airflow_2_refuses_required_actions_before_any_call() -> None:
    client = AirflowClient(
        DeploymentConfig(
            name="legacy", url="http://127.0.0.1:9", username="u", password="p", api_version="v1"
        )
    )
    try:
        with pytest.raises(InvalidInputError) as refused:
            await client.required_action("approval_flow", "r1", "approve_payout")
        assert "legacy" in refused.value.message and "human-in-the-loop" in refused.value.message
        assert set(refused.value.errors) == {"deployment"}
        with pytest.raises(InvalidInputError):
            await client.every_required_action()
    finally:
        await client.aclose()
