"""A trigger is checked against the DAG's params before Airflow hears of it: a refused conf
never reaches Airflow and leaves one audit row, a failure naming each field."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_adapters.db.models import TriggeredRun
from airdeck_api.schemas.actions import TriggerBody
from airdeck_api.services.actions import ActionService
from airdeck_api.services.dags import DagService
from airdeck_domain.errors import ForbiddenError, InvalidInputError
from tests.fakes.airflow import FakeAirflow
from tests.support.service_requests import ServiceRequests

ROWS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"rows": {"type": "integer", "minimum": 1}},
    "required": ["rows"],
}


def actions_of(requests_to: ServiceRequests, role: str = "operator") -> ActionService:
    context = requests_to.as_user("olga", role)
    return ActionService(context, DagService(context))


async def test_a_conf_against_the_params_is_refused_before_airflow(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    airflow.add_dag("load_rows", params_schema=ROWS_SCHEMA)

    with pytest.raises(InvalidInputError) as refused:
        await actions_of(requests_to).trigger(
            "load_rows", TriggerBody(conf={"rows": 0}, note="try")
        )

    assert list(refused.value.errors) == ["conf.rows"]
    assert "nothing was triggered" in refused.value.message
    assert airflow.triggered == []
    assert "trigger" not in airflow.calls
    (row,) = await requests_to.audit_rows()
    assert (row.action, row.outcome, row.status_code) == ("trigger_run", "failure", 400)
    assert (row.user_id, row.dag_id, row.run_id) == ("olga", "load_rows", None)
    assert row.details["conf"] == {"rows": 0} and "rows" in row.details["errors"]
    assert row.reason is not None and row.reason.startswith("conf rejected: rows")


async def test_a_conf_too_deep_is_refused_without_asking_for_the_params(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    airflow.add_dag("load_rows", params_schema=ROWS_SCHEMA)
    deep: dict[str, Any] = {"rows": 1}
    for _ in range(10):
        deep = {"nested": deep}

    with pytest.raises(InvalidInputError):
        await actions_of(requests_to).trigger("load_rows", TriggerBody(conf=deep))

    assert airflow.triggered == [] and "get_dag" not in airflow.calls
    (row,) = await requests_to.audit_rows()
    assert (row.outcome, row.status_code) == ("failure", 400)


async def test_a_conf_that_fits_starts_a_run_under_the_id_airdeck_chose(
    airflow: FakeAirflow, requests_to: ServiceRequests, session: AsyncSession
) -> None:
    airflow.add_dag("load_rows", params_schema=ROWS_SCHEMA)

    run = await actions_of(requests_to).trigger("load_rows", TriggerBody(conf={"rows": 5}))

    (sent,) = airflow.triggered
    assert (sent.run_id, sent.conf) == (run.run_id, {"rows": 5})
    assert "_airdeck_" in run.run_id
    (row,) = await requests_to.audit_rows()
    assert (row.outcome, row.status_code, row.run_id) == ("success", 200, run.run_id)
    remembered = (await session.execute(select(TriggeredRun))).scalars().all()
    assert [(r.run_id, r.conf, r.user_id) for r in remembered] == [
        (run.run_id, {"rows": 5}, "olga")
    ]


async def test_a_viewer_is_refused_before_the_conf_is_even_read(
    airflow: FakeAirflow, requests_to: ServiceRequests
) -> None:
    airflow.add_dag("load_rows", params_schema=ROWS_SCHEMA)

    with pytest.raises(ForbiddenError, match="dags:trigger"):
        await actions_of(requests_to, "viewer").trigger("load_rows", TriggerBody(conf={"rows": 0}))

    assert airflow.triggered == []
    (row,) = await requests_to.audit_rows()
    assert (row.outcome, row.status_code) == ("refused", 403)
