"""A DAG's Grid tab in a real browser: its tasks down and its runs across, a failed cell that
opens the run with that task's drawer, groups that fold, and a mapped task's count."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, shot, sign_in
from tests.support.airflow_runs import ensure_run
from tests.support.grid_runs import DAG_ID, FAILED_TASK, ensure_grid_runs

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

MAPPED_RUN = "manual__mapped+airdeck:120"


def open_grid(page: Page, stack: Stack, dag_id: str) -> None:
    page.goto(f"{stack.web}/workflows/{dag_id}")
    page.get_by_role("tab", name="Grid").click()
    expect(page.locator("#dag-grid .grid-row[data-row]").first).to_be_visible()


def cell(page: Page, task_id: str, run_id: str) -> Any:
    return page.locator(f"#dag-grid a.grid-cell[data-task='{task_id}'][data-run='{run_id}']")


def test_a_failed_cell_opens_that_runs_drawer_on_that_task(
    page: Page, stack: Stack, airflow: Any
) -> None:
    ok_run, failed_run = ensure_grid_runs(airflow)
    sign_in(page, stack, "ada")
    open_grid(page, stack, DAG_ID)

    failed = cell(page, FAILED_TASK, failed_run)
    expect(failed).to_have_attribute("data-state", "failed")
    expect(failed).to_have_attribute("title", "failed")
    expect(cell(page, FAILED_TASK, ok_run)).to_have_attribute("data-state", "success")
    # The failed run's column says so in its header; the groups around the task failed with it.
    expect(page.locator(f"#dag-grid .grid-run[data-run='{failed_run}']")).to_have_attribute(
        "data-state", "failed"
    )
    group = page.locator("#dag-grid .grid-row[data-row='transform.clean'] .grid-cell")
    expect(group.nth(_column(page, failed_run))).to_have_attribute("data-state", "failed")
    shot(page, "dag-grid")

    failed.click()
    page.wait_for_url(re.compile(r"/runs/manual__grid(\+|%2B)failed\?task="))
    expect(page.locator("#run-title")).to_have_text(failed_run)
    expect(page.locator("#drawer-title")).to_have_text(FAILED_TASK)
    expect(page.locator("#task-details")).to_contain_text("failed")
    shot(page, "dag-grid-drawer")


def _column(page: Page, run_id: str) -> int:
    runs = page.locator("#dag-grid .grid-run")
    ids = [runs.nth(n).get_attribute("data-run") for n in range(runs.count())]
    return ids.index(run_id)


def test_collapsing_a_group_hides_its_rows(page: Page, stack: Stack, airflow: Any) -> None:
    ensure_grid_runs(airflow)
    sign_in(page, stack, "vera")
    open_grid(page, stack, DAG_ID)
    rows = page.locator("#dag-grid .grid-row[data-row]")
    inside = ["transform.clean", "transform.clean.dedupe", FAILED_TASK, "transform.enrich"]
    for row_id in ["transform", *inside, "load"]:
        expect(page.locator(f"#dag-grid .grid-row[data-row='{row_id}']")).to_have_count(1)
    expect(rows).to_have_count(9)

    page.get_by_role("button", name="Collapse transform", exact=True).click()
    for row_id in inside:
        expect(page.locator(f"#dag-grid .grid-row[data-row='{row_id}']")).to_have_count(0)
    expect(page.locator("#dag-grid .grid-row[data-row='transform']")).to_have_count(1)
    expect(page.locator("#dag-grid .grid-row[data-row='load']")).to_have_count(1)
    expect(rows).to_have_count(5)
    shot(page, "dag-grid-collapsed")

    page.get_by_role("button", name="Expand transform", exact=True).click()
    expect(rows).to_have_count(9)
    expect(page.locator(f"#dag-grid .grid-row[data-row='{FAILED_TASK}']")).to_have_count(1)


def test_a_mapped_task_shows_its_count(page: Page, stack: Stack, airflow: Any) -> None:
    ensure_run(airflow, "mapped_fanout", MAPPED_RUN)
    sign_in(page, stack, "vera")
    open_grid(page, stack, "mapped_fanout")
    process = cell(page, "process", MAPPED_RUN)
    expect(process).to_have_text("120")
    expect(process).to_have_attribute("data-state", "failed")
    expect(process).to_have_attribute(
        "title", re.compile(r"^failed, 120 mapped: failed \d+ · success \d+$")
    )
    expect(page.locator("#dag-grid .grid-row[data-row='process']")).to_contain_text("mapped")
