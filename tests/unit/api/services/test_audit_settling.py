"""An action's audit row is ``pending`` while Airflow is asked and completed after; a row left
pending (the answer lost) is settled later by the reconciler from what Airflow reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from airdeck_adapters.db.models import TriggeredRun
from airdeck_api.schemas.actions import TriggerBody
from airdeck_api.services.actions import ActionService
from airdeck_api.services.audit import OutcomeUnknownError
from airdeck_api.services.dags import DagService
from airdeck_api.services.reconcile import Reconciler
from airdeck_domain.errors import NotFoundError, UnavailableError
from tests.fakes.airflow import FakeAirflow, FakeDeployments
from tests.support.service_requests import ServiceRequests

GRACE = timedelta(minutes=2)


def actions_of(requests_to: ServiceRequests) -> ActionService:
    context = requests_to.as_user("olga", "operator")
    return ActionService(context, DagService(context))


def reconciler(sessions: async_sessionmaker[AsyncSession], airflow: FakeAirflow) -> Reconciler:
    return Reconciler(
        sessions, FakeDeployments(airflow), grace=GRACE, key_retention=timedelta(days=1)
    )


def timed_out() -> UnavailableError:
    return UnavailableError(
        "Airflow deployment 'default' timed out after 10 s", deployment="default"
    )


async def test_the_row_is_pending_while_airflow_is_asked_then_complete(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    airflow.add_dag("etl")
    seen: dict[str, list[tuple[str, str | None]]] = {}

    async def look(method: str) -> None:
        seen[method] = [(r.outcome, r.run_id) for r in await requests_to.audit_rows()]

    airflow.before_call = look

    run = await actions_of(requests_to).trigger("etl", TriggerBody(conf={}))

    assert seen["trigger"] == [("pending", run.run_id)]
    (row,) = await requests_to.audit_rows()
    assert (row.outcome, row.status_code, row.run_id) == ("success", 200, run.run_id)


async def test_airflow_refusing_completes_the_row_as_a_failure(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    airflow.add_dag("etl")
    airflow.refuse["set_paused"] = NotFoundError("DAG 'etl' was deleted", deployment="default")

    with pytest.raises(NotFoundError):
        await actions_of(requests_to).set_paused("etl", True)

    (row,) = await requests_to.audit_rows()
    assert (row.action, row.outcome, row.status_code) == ("pause_dag", "failure", 404)
    assert row.reason == "DAG 'etl' was deleted"


async def test_a_trigger_whose_answer_was_lost_is_reconciled_from_airflow(
    airflow: FakeAirflow,
    requests_to: ServiceRequests,
    sessions: async_sessionmaker[AsyncSession],
    session: AsyncSession,
) -> None:
    airflow.add_dag("etl")
    # Airflow starts the run, but the answer times out, and so does the look-up that follows.
    airflow.lose_answer["trigger"] = timed_out()
    airflow.refuse["get_run"] = timed_out()

    with pytest.raises(OutcomeUnknownError):
        await actions_of(requests_to).trigger("etl", TriggerBody(conf={"day": "mon"}))

    (sent,) = airflow.triggered
    (row,) = await requests_to.audit_rows()
    assert (row.outcome, row.run_id) == ("pending", sent.run_id)
    # Too young to settle: it may still be in flight.
    assert await reconciler(sessions, airflow).run_once() == 0

    airflow.refuse.clear()  # Airflow answers again
    later = datetime.now(UTC) + GRACE + timedelta(seconds=1)
    assert await reconciler(sessions, airflow).run_once(now=later) == 1

    (row,) = await requests_to.audit_rows()
    assert (row.outcome, row.status_code, row.run_id) == ("success", 200, sent.run_id)
    assert row.details["reconciled"] is True
    remembered = (await session.execute(select(TriggeredRun))).scalars().all()
    assert [(r.run_id, r.conf) for r in remembered] == [(sent.run_id, {"day": "mon"})]
    # Settled rows are left alone by the next round.
    assert await reconciler(sessions, airflow).run_once(now=later) == 0


async def test_a_trigger_that_never_started_is_reconciled_as_a_failure(
    airflow: FakeAirflow, requests_to: ServiceRequests, sessions: async_sessionmaker[AsyncSession]
) -> None:
    airflow.add_dag("etl")
    airflow.refuse["trigger"] = timed_out()
    airflow.refuse["get_run"] = timed_out()

    with pytest.raises(OutcomeUnknownError):
        await actions_of(requests_to).trigger("etl", TriggerBody(conf={}))

    assert airflow.triggered == []
    airflow.refuse.clear()
    later = datetime.now(UTC) + GRACE + timedelta(seconds=1)
    assert await reconciler(sessions, airflow).run_once(now=later) == 1

    (row,) = await requests_to.audit_rows()
    assert (row.outcome, row.status_code) == ("failure", 404)
    assert row.reason is not None and "never started" in row.reason


async def test_while_airflow_is_down_a_pending_row_waits(
    airflow: FakeAirflow, requests_to: ServiceRequests, sessions: async_sessionmaker[AsyncSession]
) -> None:
    airflow.add_dag("etl")
    airflow.lose_answer["trigger"] = timed_out()
    airflow.refuse["get_run"] = timed_out()
    with pytest.raises(OutcomeUnknownError):
        await actions_of(requests_to).trigger("etl", TriggerBody(conf={}))

    airflow.down()
    later = datetime.now(UTC) + GRACE + timedelta(seconds=1)
    assert await reconciler(sessions, airflow).run_once(now=later) == 0

    (row,) = await requests_to.audit_rows()
    assert row.outcome == "pending"
