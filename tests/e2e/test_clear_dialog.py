"""The clear dialog in a real browser: the dry run's list follows the choices, Cancel clears
nothing, Confirm clears exactly what the list showed."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, api_token, shot, sign_in
from tests.support.accessibility import blocking_violations
from tests.support.airflow_runs import ensure_run, task_instance

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

DAG_ID = "etl_pipeline"
RUN_ID = "manual__clear-dialog+airdeck"
TASK = "validate"
DOWNSTREAM = {"choose_load", "load_full", "load_incremental", "publish"}


def tries(airflow: Any, task_id: str) -> int:
    """The task instance's try number as Airflow has it now."""
    ti = task_instance(airflow, DAG_ID, RUN_ID, task_id)
    assert ti is not None
    return int(ti["try_number"])


def clear_audits(stack: Stack) -> int:
    """How many clears of this DAG the audit log holds."""
    response = httpx.get(
        f"{stack.api}/api/orchestrator/audit",
        params={"action": "clear_task", "dag_id": DAG_ID, "limit": 1},
        headers=api_token(stack, "ada"),
        timeout=30,
    )
    response.raise_for_status()
    return int(response.json()["total"])


def listed(page: Page, task_ids: set[str]) -> None:
    """Wait until the dry run lists exactly these tasks."""
    rows = page.locator("#clear-preview .clear-row")
    expect(rows).to_have_count(len(task_ids))
    for task_id in task_ids:
        expect(rows.and_(page.locator(f"[data-task-id='{task_id}']"))).to_have_count(1)


def test_the_clear_dialog_previews_cancels_and_confirms(
    page: Page, stack: Stack, airflow: Any
) -> None:
    assert ensure_run(airflow, DAG_ID, RUN_ID) == "success"
    before = {task_id: tries(airflow, task_id) for task_id in {TASK, *DOWNSTREAM}}
    audits = clear_audits(stack)

    sign_in(page, stack, "cleo")
    page.goto(f"{stack.web}/workflows/{DAG_ID}/runs/{quote(RUN_ID, safe='')}")
    page.locator(f".graph-node[data-task-id='{TASK}']").click()
    expect(page.locator("#drawer-title")).to_have_text(TASK)
    page.click("#clear-task")
    dialog = page.locator("#clear-dialog")
    expect(dialog).to_be_visible()

    # The task and what depends on it, as a clear always did; each choice asks again.
    listed(page, {TASK, *DOWNSTREAM})
    downstream = dialog.get_by_role("checkbox", name="Downstream tasks")
    downstream.click()
    listed(page, {TASK})
    dialog.get_by_role("checkbox", name="Upstream tasks").click()
    listed(page, {"extract", TASK})
    shot(page, "clear-dialog")
    assert blocking_violations(page) == []

    # Cancel sends nothing: Airflow has the same tries, the audit log no clear.
    page.click("#clear-cancel")
    expect(dialog).to_be_hidden()
    assert clear_audits(stack) == audits
    assert {task_id: tries(airflow, task_id) for task_id in before} == before
    assert task_instance(airflow, DAG_ID, RUN_ID, TASK)["state"] == "success"  # type: ignore[index]

    # Opened again, it starts from the defaults; Confirm clears the task alone.
    page.click("#clear-task")
    listed(page, {TASK, *DOWNSTREAM})
    downstream.click()
    listed(page, {TASK})
    page.click("#clear-confirm")
    expect(dialog).to_be_hidden()
    expect(page.locator("#drawer")).to_contain_text("Cleared 1 task instance(s).")
    assert clear_audits(stack) == audits + 1
    # Airflow runs the cleared task again (a new try); what depends on it stays as it was.
    deadline = time.monotonic() + 180
    while tries(airflow, TASK) == before[TASK]:
        assert time.monotonic() < deadline, f"{TASK} was not run again after the clear"
        time.sleep(1)
    assert {task_id: tries(airflow, task_id) for task_id in DOWNSTREAM} == {
        task_id: before[task_id] for task_id in DOWNSTREAM
    }
