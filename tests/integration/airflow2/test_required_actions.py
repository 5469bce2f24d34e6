"""Required actions on a real Airflow 2.11: it has no human-in-the-loop tasks, so its inbox is
empty (a header counting across deployments keeps working) and one request or a response is a
clear 400 naming the deployment. approval_flow still loads there, its human steps saying why
they cannot run."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.airflow2.conftest import DEPLOYMENT

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
ON = {"deployment": DEPLOYMENT}


def path(*parts: str) -> str:
    return "/api/orchestrator" + "".join("/" + quote(p, safe="") for p in parts)


async def test_the_inbox_of_an_airflow_2_deployment_is_empty(client: Client) -> None:
    inbox = await client.get(path("required-actions"), params=ON)
    assert inbox.status_code == 200, inbox.text
    assert (inbox.json()["actions"], inbox.json()["total"]) == ([], 0)
    count = await client.get(path("required-actions", "count"), params=ON)
    assert count.status_code == 200 and count.json() == {"total": 0}


async def test_one_request_and_a_response_are_refused_with_400(client: Client) -> None:
    action = path("required-actions", "approval_flow", "manual__x", "approve_payout")
    one = await client.get(action, params=ON)
    assert one.status_code == 400, one.text
    assert "human-in-the-loop" in one.json()["detail"]
    assert "deployment" in one.json()["errors"]
    answer = await client.post(action, params=ON, json={"chosen_options": ["Approve"]})
    assert answer.status_code == 400, answer.text
    assert "deployment" in answer.json()["errors"]


async def test_approval_flow_loads_on_airflow_2(client: Client) -> None:
    dag = await client.get(path("dags", "approval_flow"), params=ON)
    assert dag.status_code == 200, dag.text
    structure = await client.get(path("dags", "approval_flow", "structure"), params=ON)
    assert structure.status_code == 200
    assert {n["id"] for n in structure.json()["nodes"]} >= {"approve_payout", "payout_details"}
