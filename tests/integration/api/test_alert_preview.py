"""A rule's preview against the real test Airflow: a real failed run and a real failed task are
counted with what fired; a rule is checked as a new one is (the same 400s, 403 without
``alerts:write``); health says it cannot be replayed; a warm preview reads no history again. The
DAG list and a DAG's page count the rules that watch each DAG without asking Airflow more."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.airflow_runs import trigger_run, wait_for_run
from tests.support.counting_proxy import CountingProxy
from tests.support.grid_runs import ensure_failed_run
from tests.support.people import Person, client_as, mint

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
RULES = "/api/orchestrator/alerts/rules"
PREVIEW = f"{RULES}/preview"
HOOK = {"kind": "webhook", "url": "https://1.1.1.1/airdeck-hook"}


def rule(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "preview",
        "selector": {"dag_id": "flaky_retry"},
        "conditions": [{"kind": "run_failed"}],
        "channels": [HOOK],
    }
    return {**body, **overrides}


@pytest.fixture(scope="module")
def failed_run(airflow: Any) -> str:
    """A run of flaky_retry that failed just now (marked so through Airflow's own API: no
    example DAG fails a run by itself)."""
    run_id = f"manual__preview+{uuid.uuid4().hex[:8]}"
    ensure_failed_run(airflow, "flaky_retry", run_id, "done")
    return run_id


async def test_a_failed_run_is_counted_with_what_fired(client: Client, failed_run: str) -> None:
    response = await client.post(PREVIEW, json=rule())
    assert response.status_code == 200, response.text
    shown = response.json()
    assert shown["days"] == 30 and shown["dags"] == 1 and shown["not_replayed"] == []
    assert shown["fired"] >= 1 and shown["fired"] == len(shown["firings"])
    mine = next(f for f in shown["firings"] if f["run_id"] == failed_run)
    assert (mine["kind"], mine["dag_id"], mine["deployment"]) == (
        "run_failed",
        "flaky_retry",
        "default",
    )
    assert mine["reason"] == f"Run {failed_run} of flaky_retry failed"
    assert shown["since"] <= mine["at"] <= shown["until"]
    # Nothing was stored.
    listed = (await client.get(RULES, params={"limit": 100})).json()["rules"]
    assert all(r["name"] != "preview" for r in listed)


async def test_a_task_failed_after_its_retries_is_counted(client: Client, airflow: Any) -> None:
    run_id = f"manual__preview-task+{uuid.uuid4().hex[:8]}"
    # count=8: `process` instance 7 fails (it has no retries); the run goes on to succeed.
    trigger_run(airflow, "mapped_fanout", run_id=run_id, conf={"count": 8})
    assert await asyncio.to_thread(wait_for_run, airflow, "mapped_fanout", run_id) == "success"
    body = rule(selector={"dag_id": "mapped_fanout"}, conditions=[{"kind": "task_failed"}])
    shown = (await client.post(PREVIEW, json=body)).json()
    fired = [f for f in shown["firings"] if f["run_id"] == run_id]
    assert [(f["kind"], f["task_id"]) for f in fired] == [("task_failed", "process")]
    # The same run judged as a failed run: it succeeded, so it is not counted.
    as_run = (await client.post(PREVIEW, json=rule(selector={"dag_id": "mapped_fanout"}))).json()
    assert all(f["run_id"] != run_id for f in as_run["firings"])


async def test_a_preview_is_checked_as_a_new_rule_is(
    client: Client, api_env: dict[str, str], request: pytest.FixtureRequest
) -> None:
    bad = rule(
        selector={"dag_id": "no_such_dag"},
        conditions=[{"kind": "deadline", "at": "7:30pm", "timezone": "Mars/Olympus"}],
        channels=[{"kind": "webhook", "url": "http://127.0.0.1:9/x"}],
    )
    previewed = await client.post(PREVIEW, json=bad)
    assert previewed.status_code == 400, previewed.text
    created = await client.post(RULES, json=bad)
    assert created.status_code == 400
    assert previewed.json()["errors"] == created.json()["errors"]
    assert set(previewed.json()["errors"]) == {
        "selector.dag_id",
        "conditions[0].at",
        "conditions[0].timezone",
        "channels[0].url",
    }
    unknown = await client.post(PREVIEW, json=rule(conditions=[{"kind": "sometimes"}]))
    assert unknown.status_code == 400
    viewer = mint(Path(api_env["AIRDECK_DATA_DIR"]), f"{request.node.name}~viewer", "viewer")
    refused = await client.post(PREVIEW, json=rule(), headers=viewer.headers)
    assert refused.status_code == 403 and "alerts:write" in refused.json()["detail"]
    scoped = mint(Path(api_env["AIRDECK_DATA_DIR"]), f"{request.node.name}~op", "operator@tag=etl")
    wider = await client.post(
        PREVIEW, json=rule(selector={"tag": "retries"}), headers=scoped.headers
    )
    assert wider.status_code == 403


async def test_health_is_not_replayed_and_says_so(client: Client) -> None:
    body = rule(selector={"tag": "example"}, conditions=[{"kind": "component_unhealthy"}])
    shown = (await client.post(PREVIEW, json=body)).json()
    assert shown["fired"] is None and shown["firings"] == []
    (skipped,) = shown["not_replayed"]
    assert skipped["condition"] == 0 and skipped["kind"] == "component_unhealthy"
    assert "no history" in skipped["reason"]
    assert shown["dags"] >= 5  # every example DAG is tagged "example"


async def test_a_warm_preview_reads_no_history_again(
    make_app: Callable[..., Litestar], proxy: CountingProxy, person: Person, failed_run: str
) -> None:
    body = rule(conditions=[{"kind": "run_failed"}, {"kind": "task_failed"}])
    async with client_as(person, make_app(AIRDECK_AIRFLOW_URL=proxy.url)) as fresh:
        for _ in range(3):
            # The reads are kept per minute: try again when this one ends in between.
            minute = datetime.now(UTC).replace(second=0, microsecond=0)
            proxy.reset()
            cold = await fresh.post(PREVIEW, json=body)
            assert cold.status_code == 200, cold.text
            calls = [p for m, p in proxy.api_calls() if m == "POST"]
            proxy.reset()
            warm = await fresh.post(PREVIEW, json=body)
            if datetime.now(UTC).replace(second=0, microsecond=0) == minute:
                break
        # One batched read of the DAG's runs and one of its failed tasks, each under 100 rows.
        assert calls == [
            "/api/v2/dags/~/dagRuns/list",
            "/api/v2/dags/~/dagRuns/~/taskInstances/list",
        ], calls
        # Warm, only the check every new rule passes is asked again: that its DAG exists.
        assert proxy.api_calls() == [("GET", "/api/v2/dags/flaky_retry/details")]
        assert warm.json()["fired"] == cold.json()["fired"] >= 1


async def test_the_dag_list_and_page_count_the_rules_that_watch_a_dag(
    make_app: Callable[..., Litestar], proxy: CountingProxy, person: Person
) -> None:
    async with client_as(person, make_app(AIRDECK_AIRFLOW_URL=proxy.url)) as fresh:

        async def counted() -> tuple[int, int]:
            listed = await fresh.get("/api/orchestrator/dags", params={"search": "flaky_retry"})
            (row,) = [d for d in listed.json()["dags"] if d["dag_id"] == "flaky_retry"]
            page = (await fresh.get("/api/orchestrator/dags/flaky_retry")).json()["dag"]
            return row["alert_rules"], page["alert_rules"]

        before, _ = await counted()
        made = await fresh.post(RULES, json=rule(selector={"tag": "retries"}))
        assert made.status_code == 201, made.text
        other = await fresh.post(RULES, json=rule(selector={"dag_id": "etl_pipeline"}))
        assert other.status_code == 201, other.text
        proxy.reset()
        # The list was read just now: the counts come from the product DB alone.
        assert await counted() == (before + 1, before + 1)
        assert not [p for _, p in proxy.api_calls() if p.endswith("/dags")]
        for created in (made, other):
            await fresh.delete(f"{RULES}/{created.json()['id']}")
        assert await counted() == (before, before)
