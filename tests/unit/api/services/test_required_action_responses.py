"""A response whose answer Airflow lost: Airdeck reads the request again, and when Airflow
cannot say either, the audit row stays pending until the reconciler reads the request; the
inbox a scoped caller sees holds only their DAGs' requests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from airdeck_api.schemas.required_actions import RespondBody
from airdeck_api.services.audit import OutcomeUnknownError
from airdeck_api.services.dags import DagService
from airdeck_api.services.reconcile import Reconciler
from airdeck_api.services.required_actions import RequiredActionService
from airdeck_domain.errors import UnavailableError
from airdeck_domain.required_actions import RequiredAction, with_schema
from tests.fakes.airflow import FakeAirflow, FakeDeployments
from tests.support.service_requests import ServiceRequests

GRACE = timedelta(minutes=2)
LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)


def service(requests_to: ServiceRequests, role: str = "operator") -> RequiredActionService:
    context = requests_to.as_user("olga", role)
    return RequiredActionService(context, DagService(context))


def waiting(airflow: FakeAirflow, dag_id: str, run_id: str = "r1") -> RequiredAction:
    action = with_schema(
        RequiredAction(
            dag_id=dag_id,
            run_id=run_id,
            task_id="approve",
            subject="Approve?",
            options=["Approve", "Reject"],
            task_state="awaiting_input",
            created_at=LONG_AGO,
        )
    )
    airflow.required[(dag_id, run_id, "approve", -1)] = action
    return action


def timed_out() -> UnavailableError:
    return UnavailableError("Airflow deployment 'default' timed out after 10 s")


async def test_a_lost_answer_is_settled_from_the_request(
    airflow: FakeAirflow,
    requests_to: ServiceRequests,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    airflow.add_dag("pay")
    waiting(airflow, "pay")
    # Airflow takes the response, its answer is lost, and so is the look-up that follows.
    airflow.lose_answer["respond"] = timed_out()

    async def look_up_fails(method: str) -> None:
        if method == "respond":
            airflow.refuse["required_action"] = timed_out()

    airflow.before_call = look_up_fails
    with pytest.raises(OutcomeUnknownError):
        await service(requests_to).respond(
            "pay", "r1", "approve", -1, RespondBody(chosen_options=["Approve"])
        )
    (row,) = await requests_to.audit_rows()
    assert (row.action, row.outcome) == ("respond_action", "pending")

    airflow.refuse.clear()
    airflow.before_call = None
    reconciler = Reconciler(
        sessions, FakeDeployments(airflow), grace=GRACE, key_retention=timedelta(days=1)
    )
    later = datetime.now(UTC) + GRACE + timedelta(seconds=1)
    assert await reconciler.run_once(now=later) == 1
    (row,) = await requests_to.audit_rows()
    assert (row.outcome, row.status_code) == ("success", 200)


async def test_a_lost_answer_read_back_is_a_success(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    airflow.add_dag("pay")
    waiting(airflow, "pay")
    airflow.lose_answer["respond"] = timed_out()
    answered = await service(requests_to).respond(
        "pay", "r1", "approve", -1, RespondBody(chosen_options=["Reject"])
    )
    assert answered.response_received and answered.chosen_options == ["Reject"]
    (row,) = await requests_to.audit_rows()
    assert (row.outcome, row.details["chosen_options"]) == ("success", ["Reject"])


async def test_a_scoped_inbox_holds_only_the_callers_dags(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    airflow.add_dag("pay", tags=["approvals"])
    airflow.add_dag("etl", tags=["etl"])
    waiting(airflow, "pay")
    waiting(airflow, "etl")
    scoped = await service(requests_to, "operator@tag=approvals").page(
        dag_id=None, state="pending", page=1, limit=10
    )
    assert [a.dag_id for a in scoped.items] == ["pay"] and scoped.total == 1
    everything = await service(requests_to, "viewer").page(
        dag_id=None, state="pending", page=1, limit=10
    )
    assert sorted(a.dag_id for a in everything.items) == ["etl", "pay"]
    assert airflow.calls["every_required_action"] == 1, "one read serves every caller"
    assert "get_dag" not in airflow.calls, "no call per DAG"
