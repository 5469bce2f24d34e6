"""``GET /dags/{dag_id}/runs/{run_id}/gantt`` against the real Airflow 3: a finished run with a
retried task matches Airflow's own tries, a mapped run is one row until expanded, a running
run's bars grow between two answers (Airflow 3's own Gantt fails on running runs,
apache/airflow #64599), and the Airflow calls a cold and a warm Gantt make are counted."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote
from uuid import uuid4

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.airflow_runs import client as airflow_client
from tests.support.airflow_runs import (
    ensure_run,
    run_path,
    task_instances,
    trigger_run,
    wait_for_task_state,
)
from tests.support.counting_proxy import CountingProxy
from tests.support.people import Person, client_as

pytestmark = pytest.mark.integration

Client = AsyncTestClient[Litestar]
PREFIX = "/api/orchestrator"
RETRIED_RUN_ID = "manual__gantt+retried"


def path(*parts: str) -> str:
    return PREFIX + "".join("/" + quote(p, safe="") for p in parts)


def moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def offset(gantt: dict[str, Any], text: str | None) -> float | None:
    """Seconds from the Gantt's origin to an Airflow time."""
    at, origin = moment(text), moment(gantt["origin"])
    return None if at is None or origin is None else (at - origin).total_seconds()


def tries(airflow: Any, dag_id: str, run_id: str, task_id: str) -> list[dict[str, Any]]:
    response = airflow_client(airflow).get(
        f"{run_path(dag_id, run_id)}/taskInstances/{quote(task_id, safe='')}/tries"
    )
    response.raise_for_status()
    found: list[dict[str, Any]] = response.json()["task_instances"]
    return sorted(found, key=lambda t: t["try_number"])


@pytest.fixture(scope="module")
def retried_run(airflow: Any) -> str:
    """A finished run of flaky_retry: ``flaky`` failed on try 1 and succeeded on try 2."""
    ensure_run(airflow, "flaky_retry", RETRIED_RUN_ID, {})
    return RETRIED_RUN_ID


async def test_a_finished_run_shows_every_try_as_airflow_kept_it(
    client: Client, airflow: Any, retried_run: str
) -> None:
    response = await client.get(path("dags", "flaky_retry", "runs", retried_run, "gantt"))
    assert response.status_code == 200, response.text
    gantt = response.json()
    assert gantt["run"]["run_id"] == retried_run and gantt["as_of"] is None
    rows = {row["task_id"]: row for row in gantt["rows"]}
    assert list(rows) == ["flaky", "done"], "rows in the order they began"

    kept = tries(airflow, "flaky_retry", retried_run, "flaky")
    assert [t["try_number"] for t in kept] == [1, 2]
    bars = rows["flaky"]["bars"]
    assert [b["try_number"] for b in bars] == [1, 2]
    assert bars[-1]["state"] == "success"
    for bar, kept_try in zip(bars, kept, strict=True):
        assert bar["started"] == pytest.approx(offset(gantt, kept_try["start_date"]))
        assert bar["ended"] == pytest.approx(offset(gantt, kept_try["end_date"]))
        assert bar["queued"] == pytest.approx(offset(gantt, kept_try["queued_when"]))
        assert 0 <= bar["queued"] <= bar["started"] <= bar["ended"] <= gantt["span"]
        assert bar["live"] is False
    assert bars[0]["ended"] <= bars[1]["queued"], "the retry waited for the first try to fail"
    run = gantt["run"]
    assert gantt["span"] == pytest.approx(offset(gantt, run["end_date"]))

    # A finished run's Gantt is final: the same body, so its ETag answers 304.
    again = await client.get(
        path("dags", "flaky_retry", "runs", retried_run, "gantt"),
        headers={"If-None-Match": response.headers["etag"]},
    )
    assert again.status_code == 304


async def test_a_mapped_task_is_one_row_spanning_its_instances_until_expanded(
    client: Client, airflow: Any, mapped_run: str
) -> None:
    url = path("dags", "mapped_fanout", "runs", mapped_run, "gantt")
    collapsed = (await client.get(url)).json()
    process = next(row for row in collapsed["rows"] if row["task_id"] == "process")
    instances = [
        ti
        for ti in task_instances(airflow, "mapped_fanout", mapped_run)
        if ti["task_id"] == "process"
    ]
    assert (process["is_mapped"], process["map_count"], process["instances"]) == (True, 120, None)
    assert process["state"] == "failed"  # items with item % 25 == 7 fail on purpose
    assert process["state_counts"] == {"failed": 5, "success": 115}
    (span,) = process["bars"]
    starts = [offset(collapsed, ti["start_date"]) for ti in instances]
    ends = [offset(collapsed, ti["end_date"]) for ti in instances]
    assert span["started"] == pytest.approx(min(s for s in starts if s is not None))
    assert span["ended"] == pytest.approx(max(e for e in ends if e is not None))

    response = await client.get(url, params={"expand": "process"})
    assert response.status_code == 200, response.text
    expanded = next(row for row in response.json()["rows"] if row["task_id"] == "process")
    assert [child["map_index"] for child in expanded["instances"]] == list(range(120))
    by_index = {ti["map_index"]: ti for ti in instances}
    for child in expanded["instances"]:
        ti = by_index[child["map_index"]]
        assert child["state"] == ti["state"]
        assert child["bars"][-1]["started"] == pytest.approx(offset(collapsed, ti["start_date"]))
        assert child["bars"][-1]["ended"] == pytest.approx(offset(collapsed, ti["end_date"]))


async def test_an_expand_of_a_task_that_is_not_mapped_is_400_naming_the_mapped_ones(
    client: Client, mapped_run: str
) -> None:
    response = await client.get(
        path("dags", "mapped_fanout", "runs", mapped_run, "gantt"),
        params={"expand": "make_items"},
    )
    assert response.status_code == 400, response.text
    detail = response.json()["detail"]
    assert "make_items" in detail and "Its mapped tasks: process." in detail


async def test_a_running_runs_bars_grow_between_two_answers(client: Client, airflow: Any) -> None:
    run_id = f"manual__gantt+live{uuid4().hex[:8]}"
    trigger_run(airflow, "slow_logger", run_id=run_id, conf={"seconds": 20})
    await asyncio.to_thread(
        wait_for_task_state, airflow, "slow_logger", run_id, "tick", {"running"}
    )
    url = path("dags", "slow_logger", "runs", run_id, "gantt")

    async def tick_bar() -> tuple[dict[str, Any], dict[str, Any]]:
        response = await client.get(url)
        assert response.status_code == 200, response.text
        gantt = response.json()
        (row,) = gantt["rows"]
        return gantt, row["bars"][-1]

    first, bar = await tick_bar()
    assert first["run"]["state"] == "running" and first["as_of"] is not None
    assert bar["live"] is True and bar["state"] == "running"
    assert bar["ended"] == pytest.approx(offset(first, first["as_of"]))
    assert bar["started"] <= bar["ended"] <= first["span"]
    for _ in range(120):
        await asyncio.sleep(0.5)
        later, grown = await tick_bar()
        if grown["ended"] > bar["ended"]:
            break
    else:
        pytest.fail("the running bar never grew")
    assert grown["started"] == bar["started"], "a live bar keeps its start and grows"
    assert later["span"] >= first["span"]


async def test_a_cold_gantt_costs_the_run_pages_reads_and_a_warm_one_nothing(
    make_app: Callable[..., Litestar],
    proxy: CountingProxy,
    person: Person,
    airflow: Any,
    retried_run: str,
) -> None:
    run = "/api/v2" + run_path("flaky_retry", retried_run)
    async with client_as(person, make_app(AIRDECK_AIRFLOW_URL=proxy.url)) as fresh:
        url = path("dags", "flaky_retry", "runs", retried_run, "gantt")
        proxy.reset()
        assert (await fresh.get(url)).status_code == 200
        cold = sorted(p.split("?")[0] for _, p in proxy.api_calls())
        # The run, its instances (one batch list), and the earlier tries of the one retried
        # task.
        instances = "/api/v2/dags/~/dagRuns/~/taskInstances/list"
        assert cold == sorted([run, instances, f"{run}/taskInstances/flaky/tries"]), cold

        proxy.reset()
        assert (await fresh.get(url)).status_code == 200
        assert proxy.api_calls() == [], "a finished run's Gantt costs Airflow nothing warm"


async def test_an_unknown_run_or_dag_has_no_gantt(client: Client) -> None:
    response = await client.get(path("dags", "flaky_retry", "runs", "no_such_run", "gantt"))
    assert response.status_code == 404, response.text
    assert "no_such_run" in response.json()["detail"]
    response = await client.get(path("dags", "gantt_no_such_dag", "runs", "r", "gantt"))
    assert response.status_code == 404, response.text
