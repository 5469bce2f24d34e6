"""Tailing a running task's log: each call with the returned cursor brings only new lines."""

from __future__ import annotations

import asyncio
import time
from typing import Any
from uuid import uuid4

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.support.airflow_runs import trigger_run, wait_for_task_state

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]


async def test_tail_returns_only_new_lines_then_completes(client: Client, airflow: Any) -> None:
    run_id = f"manual__tail+{uuid4().hex[:8]}:00"
    trigger_run(airflow, "slow_logger", run_id=run_id, conf={"seconds": 12})
    await asyncio.to_thread(
        wait_for_task_state, airflow, "slow_logger", run_id, "tick", {"running"}
    )
    url = f"/api/orchestrator/dags/slow_logger/runs/{run_id.replace('+', '%2B')}/tasks/tick/logs"

    chunks: list[list[str]] = []
    cursor: str | None = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        params = {"cursor": cursor} if cursor else {}
        response = await client.get(url, params=params)
        assert response.status_code == 200, response.text
        chunk = response.json()
        assert chunk["content"] == "\n".join(line["text"] for line in chunk["lines"])
        chunks.append([line["text"] for line in chunk["lines"]])
        cursor = chunk["cursor"]
        if chunk["is_complete"]:
            break
        await asyncio.sleep(2)
    else:
        pytest.fail("the log never completed")

    non_empty = [c for c in chunks if c]
    assert len(non_empty) >= 3, f"expected the log to arrive in several pieces, got {chunks}"
    tailed = [line for c in chunks for line in c]
    full = (await client.get(url)).json()
    assert full["is_complete"] is True
    assert tailed == [line["text"] for line in full["lines"]], "pieces add up to the whole log"
    ticks = [line for line in tailed if "tick" in line.lower()]
    assert len(ticks) >= 12

    again = (await client.get(url, params={"cursor": cursor})).json()
    assert again["lines"] == [] and again["is_complete"] is True


async def test_bad_cursor_is_400(client: Client) -> None:
    response = await client.get(
        "/api/orchestrator/dags/slow_logger/runs/x/tasks/tick/logs", params={"cursor": "%%%"}
    )
    assert response.status_code == 400
    assert "cursor" in response.json()["detail"]
