"""``GET /calendar``: a week or month of runs, past and expected, against the real Airflow 3 on
the example DAGs, compared with what Airflow itself answers."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.airflow_runs import client as airflow_client
from tests.support.airflow_runs import ensure_run, get_run
from tests.support.counting_proxy import CountingProxy
from tests.support.people import Person, client_as

pytestmark = pytest.mark.integration

Client = AsyncTestClient[Litestar]
URL = "/api/orchestrator/calendar"
RUN_ID = "manual__calendar+airdeck"


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def etl_run(airflow: Any) -> dict[str, Any]:
    """A finished run of the daily etl_pipeline (which leaves the DAG unpaused), as Airflow
    reports it."""
    ensure_run(airflow, "etl_pipeline", RUN_ID, {})
    run = get_run(airflow, "etl_pipeline", RUN_ID)
    assert run is not None
    return run


def entries(calendar: dict[str, Any], dag_id: str, kind: str) -> list[dict[str, Any]]:
    return [
        e
        for d in calendar["days"]
        for e in d["entries"]
        if e["dag_id"] == dag_id and e["kind"] == kind
    ]


async def test_a_run_sits_on_the_day_it_started_with_airflows_state(
    client: Client, etl_run: dict[str, Any]
) -> None:
    started = moment(etl_run["start_date"]).astimezone(ZoneInfo("Asia/Kolkata"))
    response = await client.get(
        URL, params={"view": "week", "day": started.date().isoformat(), "tz": "Asia/Kolkata"}
    )
    assert response.status_code == 200, response.text
    calendar = response.json()
    assert calendar["view"] == "week" and calendar["timezone"] == "Asia/Kolkata"
    assert len(calendar["days"]) == 7
    (day,) = [d for d in calendar["days"] if d["day"] == started.date().isoformat()]
    (entry,) = [e for e in day["entries"] if e.get("run_id") == RUN_ID]
    assert entry["state"] == etl_run["state"] == "success"
    assert moment(entry["at"]) == moment(etl_run["start_date"])
    assert moment(entry["at"]).utcoffset() == started.utcoffset()
    assert day["counts"]["success"] >= 1


async def test_the_next_expected_run_is_the_one_airflow_plans(
    client: Client, airflow: Any, etl_run: dict[str, Any]
) -> None:
    dag = airflow_client(airflow).get("/dags/etl_pipeline").json()
    assert dag["is_paused"] is False
    planned = moment(dag["next_dagrun_run_after"])
    response = await client.get(
        URL, params={"view": "month", "day": planned.date().isoformat(), "tz": "UTC"}
    )
    assert response.status_code == 200, response.text
    expected = entries(response.json(), "etl_pipeline", "expected")
    assert expected, response.json()
    assert moment(expected[0]["at"]) == planned
    # @daily: one a day from there on, at midnight in the DAG's time zone (UTC here).
    assert all(moment(e["at"]).time().isoformat() == "00:00:00" for e in expected)
    assert len({moment(e["at"]).date() for e in expected}) == len(expected)


async def test_filters_narrow_the_dags(client: Client, etl_run: dict[str, Any]) -> None:
    day = moment(etl_run["start_date"]).date().isoformat()
    tagged = (await client.get(URL, params={"view": "week", "day": day, "tag": "etl"})).json()
    assert entries(tagged, "etl_pipeline", "run")
    other = (
        await client.get(URL, params={"view": "week", "day": day, "tag": "no-such-tag"})
    ).json()
    assert all(d["entries"] == [] for d in other["days"])
    nobody = (await client.get(URL, params={"view": "week", "day": day, "team": "nobody"})).json()
    assert all(d["entries"] == [] for d in nobody["days"])


async def test_a_warm_calendar_costs_airflow_nothing(
    make_app: Callable[..., Litestar],
    proxy: CountingProxy,
    person: Person,
    airflow: Any,
    etl_run: dict[str, Any],
) -> None:
    day = moment(etl_run["start_date"]).date().isoformat()
    async with client_as(person, make_app(AIRDECK_AIRFLOW_URL=proxy.url)) as fresh:
        proxy.reset()
        cold = await fresh.get(URL, params={"view": "month", "day": day})
        assert cold.status_code == 200, cold.text
        calls = proxy.api_calls()
        window = cold.json()
        started = airflow_client(airflow).post(
            "/dags/~/dagRuns/list",
            json={
                "start_date_gte": f"{window['first']}T00:00:00+00:00",
                "start_date_lte": f"{window['last']}T23:59:59.999999+00:00",
                "page_limit": 1,
            },
        )
        # One batched read per 100 runs started in the window, however many DAGs ran.
        pages = max(1, math.ceil(started.json()["total_entries"] / 100))
        assert [p for m, p in calls if m == "POST"] == ["/api/v2/dags/~/dagRuns/list"] * pages, (
            calls
        )
        proxy.reset()
        warm = await fresh.get(URL, params={"view": "month", "day": day})
        assert warm.json() == cold.json()
        assert proxy.api_calls() == []


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"tz": "Mars/Olympus"}, "Mars/Olympus"),
        ({"view": "year"}, "view"),
        ({"day": "2026-13-01"}, "day"),
    ],
)
async def test_bad_parameters_are_a_400_naming_them(
    client: Client, params: dict[str, str], named: str
) -> None:
    response = await client.get(URL, params=params)
    assert response.status_code == 400, response.text
    assert named in response.text
