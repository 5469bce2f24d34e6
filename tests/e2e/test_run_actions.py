"""The run page's actions in a real browser against the real Airflow: each opens a dialog that
shows what it will change (a dry run where the API has one) and acts only on Confirm, the page
shows the run as it then is, and Airflow has it so too; a viewer has no actions at all."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Stack, api_token, shot, sign_in
from tests.support.accessibility import blocking_violations
from tests.support.airflow_runs import get_run, task_instance, unpause, wait_for_run

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

ETL = "etl_pipeline"
FANOUT = "mapped_fanout"
FANOUT_ITEMS = 8
FAILING_ITEM = 7
"""``mapped_fanout`` rejects every item with item % 25 == 7: of 8 items, the last one."""
ACTOR = "remy"
"""An admin whose writes (each dry run is one) stay within the default limit of 10 a minute."""
NOTE = "Re-run once the vendor's fix is out.\nAsk #data-eng first."


@dataclass(frozen=True)
class Runs:
    etl: str
    """A run of ``etl_pipeline`` that succeeded."""
    fanout: str
    """A finished run of ``mapped_fanout`` whose item ``FAILING_ITEM`` failed."""


def trigger(stack: Stack, dag_id: str, conf: dict[str, Any]) -> str:
    """Trigger a run through the Airdeck API; its run id."""
    response = httpx.post(
        f"{stack.api}/api/orchestrator/dags/{dag_id}/runs",
        json={"conf": conf},
        headers=api_token(stack, "ada"),
        timeout=60,
    )
    response.raise_for_status()
    return str(response.json()["run_id"])


@pytest.fixture(scope="module")
def runs(stack: Stack, airflow: Any) -> Runs:
    """A fresh finished run of each DAG, both running at once (each test changes them)."""
    for dag_id in (ETL, FANOUT):
        unpause(airflow, dag_id)
    started = Runs(
        etl=trigger(stack, ETL, {}), fanout=trigger(stack, FANOUT, {"count": FANOUT_ITEMS})
    )
    with ThreadPoolExecutor(2) as pool:
        etl = pool.submit(wait_for_run, airflow, ETL, started.etl)
        fanout = pool.submit(wait_for_run, airflow, FANOUT, started.fanout)
        assert etl.result() == "success"
        fanout.result()
    failed = task_instance(airflow, FANOUT, started.fanout, "process", FAILING_ITEM)
    assert failed is not None and failed["state"] == "failed"
    return started


def open_run(page: Page, stack: Stack, dag_id: str, run_id: str) -> None:
    page.goto(f"{stack.web}/workflows/{dag_id}/runs/{quote(run_id, safe='')}")
    expect(page.locator("#run-title")).to_have_text(run_id)
    expect(page.locator("#run-state")).not_to_be_empty()


def choose_action(page: Page, item: str) -> None:
    """Open the run's actions menu and choose ``item``."""
    page.click("#run-actions")
    page.get_by_role("menuitem", name=item).click()


def preview(page: Page, table: str) -> Locator:
    return page.locator(f"#{table} .clear-row")


def test_a_viewer_has_no_actions(page: Page, stack: Stack, runs: Runs) -> None:
    sign_in(page, stack, "vera")
    open_run(page, stack, ETL, runs.etl)
    expect(page.locator("#run-actions")).to_have_count(0)
    page.locator(".graph-node[data-task-id='publish']").click()
    expect(page.locator("#drawer-title")).to_have_text("publish")
    expect(page.locator("#mark-skipped")).to_have_count(0)


def test_an_operator_may_only_edit_the_note(page: Page, stack: Stack, runs: Runs) -> None:
    sign_in(page, stack, "otto")
    open_run(page, stack, ETL, runs.etl)
    page.click("#run-actions")
    expect(page.get_by_role("menuitem")).to_have_text(["Edit note"])


def test_note_mark_skipped_and_mark_run_failed(
    page: Page, stack: Stack, airflow: Any, runs: Runs
) -> None:
    sign_in(page, stack, ACTOR)
    open_run(page, stack, ETL, runs.etl)
    expect(page.locator("#run-state")).to_have_text("success")
    dialog = page.locator("#run-action-dialog")

    # The note: the current one (none) in a textarea; Save shows it on the page.
    expect(page.locator("#run-note")).to_have_count(0)
    choose_action(page, "Edit note")
    expect(dialog).to_be_visible()
    expect(page.locator("#run-note-input")).to_have_value("")
    page.fill("#run-note-input", NOTE)
    shot(page, "run-actions-note")
    assert blocking_violations(page) == []
    page.click("#run-action-confirm")
    expect(dialog).to_be_hidden()
    expect(page.locator("#run-note")).to_have_text(NOTE)
    expect(page.locator("#run-actions-outcome")).to_have_text("Note saved.")
    assert get_run(airflow, ETL, runs.etl)["note"] == NOTE  # type: ignore[index]
    # Opened again, it holds the note as it now is.
    choose_action(page, "Edit note")
    expect(page.locator("#run-note-input")).to_have_value(NOTE)
    page.click("#run-action-cancel")
    expect(dialog).to_be_hidden()

    # Mark a task skipped: the dry run lists the one instance, Confirm marks it.
    page.locator(".graph-node[data-task-id='publish']").click()
    expect(page.locator("#drawer-title")).to_have_text("publish")
    page.click("#mark-skipped")
    expect(dialog).to_be_visible()
    expect(page.locator("#run-action-summary")).to_have_text(
        "1 task instance(s) would be marked skipped:"
    )
    rows = preview(page, "run-action-preview")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-task-id", "publish")
    expect(rows.first).to_contain_text("success")
    shot(page, "run-actions-mark-skipped")
    page.click("#run-action-confirm")
    expect(dialog).to_be_hidden()
    expect(page.locator("#drawer")).to_contain_text("Marked 1 task instance(s) skipped.")
    expect(page.locator("#task-details")).to_contain_text("skipped")
    assert task_instance(airflow, ETL, runs.etl, "publish")["state"] == "skipped"  # type: ignore[index]
    page.keyboard.press("Escape")
    expect(page.locator("#drawer")).to_be_hidden()

    # Mark the whole run failed: every task has finished, so only the run's state changes.
    choose_action(page, "Mark run failed")
    expect(dialog).to_be_visible()
    expect(page.locator("#run-action-summary")).to_contain_text(
        "The run goes from success to failed."
    )
    expect(preview(page, "run-action-preview")).to_have_count(0)
    page.click("#run-action-confirm")
    expect(dialog).to_be_hidden()
    expect(page.locator("#run-state")).to_have_text("failed")
    expect(page.locator("#run-actions-outcome")).to_have_text("Marked the run failed.")
    assert get_run(airflow, ETL, runs.etl)["state"] == "failed"  # type: ignore[index]
    # Its tasks are as they were: the mark changed the run alone.
    assert task_instance(airflow, ETL, runs.etl, "publish")["state"] == "skipped"  # type: ignore[index]
    assert task_instance(airflow, ETL, runs.etl, "load_full")["state"] == "success"  # type: ignore[index]
    # A failed run cannot be marked failed again; success it can.
    page.click("#run-actions")
    expect(page.get_by_role("menuitem", name="Mark run failed")).to_be_disabled()
    expect(page.get_by_role("menuitem", name="Mark run success")).to_be_enabled()
    shot(page, "run-actions-menu")
    page.keyboard.press("Escape")


def failing_tries(airflow: Any, run_id: str) -> int:
    ti = task_instance(airflow, FANOUT, run_id, "process", FAILING_ITEM)
    assert ti is not None
    return int(ti["try_number"])


def test_clearing_a_runs_failed_tasks(page: Page, stack: Stack, airflow: Any, runs: Runs) -> None:
    tries = failing_tries(airflow, runs.fanout)
    sign_in(page, stack, ACTOR)
    open_run(page, stack, FANOUT, runs.fanout)
    dialog = page.locator("#clear-dialog")

    # The clear dialog, over the whole run: only the failed instance, and no up/downstream.
    choose_action(page, "Clear run (failed tasks only)")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text(f"Clear run {runs.fanout}")
    expect(dialog.get_by_role("checkbox", name="Downstream tasks")).to_have_count(0)
    only_failed = dialog.get_by_role("checkbox", name="Only failed ones")
    expect(only_failed).to_be_checked()
    rows = preview(page, "clear-preview")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-task-id", "process")
    expect(rows.first).to_contain_text(f"{FAILING_ITEM}failed")

    # Every task: the failed one still comes first.
    only_failed.click()
    expect(rows).to_have_count(1 + FANOUT_ITEMS + 2)
    expect(rows.first).to_contain_text(f"process{FAILING_ITEM}failed")
    only_failed.click()
    expect(rows).to_have_count(1)
    shot(page, "run-actions-clear-failed")

    page.click("#clear-confirm")
    expect(dialog).to_be_hidden()
    expect(page.locator("#run-actions-outcome")).to_have_text(
        "Cleared 1 task instance(s). They run again."
    )
    # The page shows the run going again at once.
    expect(page.locator("#run-state")).to_have_text(re.compile("queued|running"))
    # Airflow runs the failed instance again (a new try); the others keep theirs.
    deadline = time.monotonic() + 180
    while failing_tries(airflow, runs.fanout) == tries:
        assert time.monotonic() < deadline, "the failed instance was not run again"
        time.sleep(1)
    first = task_instance(airflow, FANOUT, runs.fanout, "process", 0)
    assert first is not None and int(first["try_number"]) == 1
    # The page, watching the run again, follows it to its end.
    final = wait_for_run(airflow, FANOUT, runs.fanout)
    expect(page.locator("#run-state")).to_have_text(final, timeout=60_000)
