"""Task logs from a real Airflow 2.11 (``/api/v1``): its one-string answer brought to lines with
levels and times, its file paths left out, and its continuation token followed to the end."""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import quote
from uuid import uuid4

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from airdeck_adapters.airflow import v1_logs
from airdeck_domain.polling import BACKOFF_SECONDS
from tests.integration.airflow2.conftest import DEPLOYMENT, Airflow2Login
from tests.support.airflow_runs import trigger_run, wait_for_task_state, wait_until_settled

pytestmark = pytest.mark.integration
Client = AsyncTestClient[Litestar]
ON = {"deployment": DEPLOYMENT}
TAIL_PACE = BACKOFF_SECONDS["logs"][0]
"""The web's quickest tail: one person's pace."""


def logs_url(dag_id: str, run_id: str, task_id: str) -> str:
    parts = ("dags", dag_id, "runs", run_id, "tasks", task_id, "logs")
    return "/api/orchestrator" + "".join("/" + quote(p, safe="") for p in parts)


async def read(client: Client, url: str, **params: Any) -> Any:
    response = await client.get(url, params={**ON, **params})
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def settled_etl_run(airflow2: Airflow2Login, etl_run: str) -> str:
    """The finished etl_pipeline run, once its task runners can no longer write to its logs."""
    wait_until_settled(airflow2, "etl_pipeline", etl_run, v1_logs.SETTLE)
    return etl_run


@pytest.fixture(scope="module")
def settled_mapped_run(airflow2: Airflow2Login, mapped_run: str) -> str:
    """The finished mapped_fanout run, once its task runners can no longer write to its logs."""
    wait_until_settled(airflow2, "mapped_fanout", mapped_run, v1_logs.SETTLE)
    return mapped_run


async def test_finished_log_is_lines_with_levels_and_no_host_paths(
    client: Client, settled_etl_run: str
) -> None:
    url = logs_url("etl_pipeline", settled_etl_run, "validate")
    chunk = await read(client, url)
    assert chunk["is_complete"] is True
    texts = [line["text"] for line in chunk["lines"]]
    assert chunk["content"] == "\n".join(texts)
    validated = [line for line in chunk["lines"] if line["text"] == "validated 5 rows"]
    assert len(validated) == 1, texts
    assert validated[0]["level"] == "info" and validated[0]["timestamp"] is not None
    # Airflow 2's "log message source details" name its log files on the host: never shown.
    assert not [t for t in texts if "Found local files" in t or "attempt=1.log" in t]
    assert {line["group"] for line in chunk["lines"]} >= {"start", "end"}
    again = await read(client, url, cursor=chunk["cursor"])
    assert again["lines"] == [] and again["is_complete"] is True


async def test_mapped_instance_log(client: Client, settled_mapped_run: str) -> None:
    url = logs_url("mapped_fanout", settled_mapped_run, "process")
    chunk = await read(client, url, map_index=3)
    assert chunk["is_complete"] is True
    assert "Done. Returned value was: 6" in chunk["content"]


async def test_tail_returns_only_new_lines_then_completes(
    client: Client, airflow2: Airflow2Login
) -> None:
    run_id = f"manual__tail+{uuid4().hex[:8]}:00"
    trigger_run(airflow2, "slow_logger", run_id=run_id, conf={"seconds": 10})
    await asyncio.to_thread(
        wait_for_task_state, airflow2, "slow_logger", run_id, "tick", {"running"}
    )
    url = logs_url("slow_logger", run_id, "tick")
    chunks: list[list[str]] = []
    cursor: str | None = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        chunk = await read(client, url, **({"cursor": cursor} if cursor else {}))
        chunks.append([line["text"] for line in chunk["lines"]])
        cursor = chunk["cursor"]
        if chunk["is_complete"]:
            break
        await asyncio.sleep(TAIL_PACE)
    else:
        pytest.fail("the log never completed")

    assert len([c for c in chunks if c]) >= 2, f"expected several pieces, got {chunks}"
    tailed = [line for c in chunks for line in c]
    full = await read(client, url)
    assert full["is_complete"] is True
    assert tailed == [line["text"] for line in full["lines"]], "pieces add up to the whole log"
    assert [line for line in tailed if line.startswith("tick ")] == [
        f"tick {n} of 10" for n in range(1, 11)
    ]
    # Written by Airflow 2's task runner after the try is recorded as ended: the tail waits.
    assert "Task exited with return code 0" in tailed
