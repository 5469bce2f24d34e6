"""Backfills in a real browser against the real stack, on the daily example DAG (etl_pipeline,
whose backfills the API tests run too): an operator previews a 3-day backfill, sees the 3
logical dates it would create, starts it, pauses and resumes it (each confirmed first), and
watches its 3 runs progress to the end on the DAG page's Backfills tab; a viewer sees the
backfills but no form."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, shot, sign_in
from tests.support import airflow_runs
from tests.support.backfills import end_active_backfills

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

DAG = "etl_pipeline"
DAYS = ["2025-06-01", "2025-06-02", "2025-06-03"]
"""Three daily runs; reprocessing completed dates too, every session runs all three again."""
FINISHED_WITHIN_MS = 240_000
"""Three runs of three quick tasks, two at a time, on a busy machine, seen at a 10 s poll."""


def open_backfills(page: Page, stack: Stack, user: str) -> None:
    sign_in(page, stack, user)
    page.goto(f"{stack.web}/workflows/{DAG}")
    page.click("#tab-backfills")
    expect(page.locator("#backfills, #backfills-empty").first).to_be_visible()


def test_an_operator_previews_starts_and_follows_a_three_day_backfill(
    page: Page, stack: Stack, airflow: Any
) -> None:
    end_active_backfills(airflow, DAG)
    try:
        open_backfills(page, stack, "otto")
        page.fill("#backfill-from", DAYS[0])
        page.fill("#backfill-to", DAYS[-1])
        page.click("#backfill-reprocess")
        page.get_by_role("option", name=re.compile(r"^completed")).click()
        page.fill("#backfill-max-active", "2")
        expect(page.locator("#backfill-start")).to_have_count(0)

        page.click("#backfill-preview")
        expect(page.locator(".planned-date")).to_have_text(DAYS)
        expect(page.locator("#backfill-plan-count")).to_contain_text("3 runs would be created")
        shot(page, "backfill-preview")
        page.click("#backfill-start")
        expect(page.locator("#backfill-notice")).to_contain_text(
            f"started: {DAYS[0]} to {DAYS[-1]}"
        )
        expect(page.locator("#backfill-start")).to_have_count(0)

        row = page.locator(".backfill-row").first
        expect(row).to_contain_text(f"{DAYS[0]} → {DAYS[-1]}")
        expect(row.locator(".backfill-progress")).to_have_text(re.compile(r"^[0-3] of 3 done$"))
        # Pausing and resuming each ask first (its runs take seconds: it is still going).
        row.locator(".backfill-pause").click()
        expect(page.locator("#backfill-confirm-dialog")).to_contain_text("Pause backfill")
        page.click("#backfill-back")
        expect(page.locator("#backfill-confirm-dialog")).to_have_count(0)
        expect(row).to_have_attribute("data-status", "running")
        row.locator(".backfill-pause").click()
        page.click("#backfill-confirm")
        expect(row).to_have_attribute("data-status", "paused")
        expect(page.locator("#backfill-notice")).to_contain_text("paused")
        row.locator(".backfill-resume").click()
        expect(page.locator("#backfill-confirm-dialog")).to_contain_text("Resume backfill")
        page.click("#backfill-confirm")
        expect(row).to_have_attribute("data-status", "running")

        # The tab reads the backfill again while it is active: its runs end, one by one.
        expect(row.locator(".backfill-progress")).to_have_text(
            "3 of 3 done", timeout=FINISHED_WITHIN_MS
        )
        expect(row).to_have_attribute("data-status", "completed", timeout=FINISHED_WITHIN_MS)
        expect(row.locator(".backfill-state[data-state='success']")).to_have_attribute(
            "data-count", "3"
        )
        expect(row.locator(".backfill-cancel")).to_have_count(0)
        shot(page, "backfill-done")
    finally:
        end_active_backfills(airflow, DAG)
    runs = (
        airflow_runs.client(airflow)
        .get(
            f"/dags/{DAG}/dagRuns",
            params={
                "run_type": "backfill",
                "logical_date_gte": f"{DAYS[0]}T00:00:00Z",
                "logical_date_lte": f"{DAYS[-1]}T00:00:00Z",
            },
        )
        .json()["dag_runs"]
    )
    assert sorted(r["logical_date"][:10] for r in runs) == DAYS
    assert {r["state"] for r in runs} == {"success"}


def test_a_viewer_sees_the_backfills_but_no_form(page: Page, stack: Stack) -> None:
    open_backfills(page, stack, "vera")
    expect(page.locator("#backfill-form")).to_have_count(0)
    expect(page.locator(".backfill-pause, .backfill-resume, .backfill-cancel")).to_have_count(0)
