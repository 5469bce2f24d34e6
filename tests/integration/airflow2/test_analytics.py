"""The views over many runs against a real Airflow 2.11 (``/api/v1``): the overview and the
grid read a run's instances with the batched call Airflow 2 has too, the Gantt draws a
finished mapped run, and the calendar reads runs by start date."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.integration.airflow2.conftest import DEPLOYMENT, MAPPED_COUNT, Airflow2Login
from tests.integration.airflow2.test_reads import get, path
from tests.support.airflow_runs import get_run, task_instances

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]


async def test_overview_and_grid_read_the_runs_instances(client: Client, mapped_run: str) -> None:
    overview = await get(client, path("dags", "mapped_fanout", "overview"), runs=25)
    assert mapped_run in [bar["run_id"] for bar in overview["runs"]]
    process = next(t for t in overview["slowest_tasks"] if t["task_id"] == "process")
    assert process["is_mapped"] is True
    grid = await get(client, path("dags", "mapped_fanout", "grid"), runs=25)
    column = [r["run_id"] for r in grid["runs"]].index(mapped_run)
    row = next(r for r in grid["rows"] if r["id"] == "process")
    cell = row["cells"][column]
    assert cell["map_count"] == MAPPED_COUNT
    assert sum(cell["state_counts"].values()) == MAPPED_COUNT
    assert cell["state_counts"].get("failed") == 1
    # Past a page of runs, the runs come from Airflow 2's batch list too, in the same order.
    many = await get(client, path("dags", "mapped_fanout", "overview"), runs=1000)
    assert [bar["run_id"] for bar in many["runs"]][-25:] == [
        bar["run_id"] for bar in overview["runs"]
    ]


async def test_the_gantt_of_a_finished_mapped_run(
    client: Client, airflow2: Airflow2Login, mapped_run: str
) -> None:
    gantt = await get(
        client, path("dags", "mapped_fanout", "runs", mapped_run, "gantt"), expand="process"
    )
    process = next(r for r in gantt["rows"] if r["task_id"] == "process")
    instances = [
        ti
        for ti in task_instances(airflow2, "mapped_fanout", mapped_run)
        if ti["task_id"] == "process"
    ]
    assert len(process["instances"]) == len(instances) == MAPPED_COUNT
    assert gantt["as_of"] is None


async def test_the_calendar_places_a_run_on_the_day_it_started(
    client: Client, airflow2: Airflow2Login, etl_run: str
) -> None:
    run: dict[str, Any] | None = get_run(airflow2, "etl_pipeline", etl_run)
    assert run is not None
    calendar = await get(client, path("calendar"), view="week", day=run["start_date"][:10])
    (entry,) = [e for d in calendar["days"] for e in d["entries"] if e.get("run_id") == etl_run]
    assert (entry["state"], entry["deployment"]) == (run["state"], DEPLOYMENT)
