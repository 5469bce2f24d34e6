"""The task drawer's log viewer in a real browser: a live tail that pauses while the reader
scrolls up, foldable log groups, and a search over the whole log, longer than the viewer holds."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, api_token, requests_since, shot, sign_in
from tests.support.airflow_runs import ensure_run

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

WARMUP = 2500
"""More lines than the viewer keeps (2,000), logged at once before the live ticks."""
REDRAW_MS = 30_000
"""How long the browser may take to draw a window of 2,000 new rows (seconds on a busy
machine); the search itself waits for nothing (no API call, no poll)."""


FLAKY_RUN = "manual__tries+airdeck"
"""A run of flaky_retry, whose ``flaky`` task fails its first try and succeeds on the second."""
TICKS = 240
"""Long enough that the task still logs when the test ends, however slow the machine."""


def wait_at_bottom(page: Page) -> None:
    """Wait until the viewer shows its newest line (it scrolls once the row has rendered)."""
    page.wait_for_function(
        "() => { const el = document.getElementById('log-view');"
        " return el.scrollHeight - el.scrollTop - el.clientHeight < 60; }"
    )


def test_long_live_log_folds_searches_and_pauses(page: Page, stack: Stack) -> None:
    headers = api_token(stack, "ada")
    run_id = httpx.post(
        f"{stack.api}/api/orchestrator/dags/slow_logger/runs",
        json={"conf": {"seconds": TICKS, "warmup_lines": WARMUP}},
        headers=headers,
        timeout=60,
    ).json()["run_id"]
    try:
        sign_in(page, stack, "ada")
        page.goto(f"{stack.web}/workflows/slow_logger/runs/{run_id.replace('+', '%2B')}")
        node = page.locator(".graph-node[data-task-id='tick']")
        expect(node).to_have_attribute("data-state", re.compile("running"), timeout=60_000)
        node.click()
        lines = page.locator("#log-view .log-line")
        expect(lines.filter(has_text=f"tick 2 of {TICKS}")).to_have_count(1, timeout=30_000)

        # The viewer holds a window of the newest lines, not the whole log.
        assert lines.count() <= 2000
        expect(lines.filter(has_text=f"warm-up line 10 of {WARMUP}")).to_have_count(0)
        expect(page.locator("#log-range")).to_contain_text("lines ")
        expect(page.locator("#log-live")).to_be_visible()
        wait_at_bottom(page)  # a live log starts out following its end

        # Scrolling up pauses the tail: new lines arrive below, the view stays put.
        page.eval_on_selector("#log-view", "el => { el.scrollTop = 0; }")
        expect(page.locator("#log-resume")).to_be_visible()
        newest = lines.last.inner_text()
        expect(lines.last).not_to_have_text(newest, timeout=15_000)
        assert page.eval_on_selector("#log-view", "el => el.scrollTop") < 60
        page.click("#log-resume")
        wait_at_bottom(page)
        expect(page.locator("#log-resume")).to_be_hidden()

        # Search covers the whole log: a line older than the window is found and shown, without
        # reading the log through the API again (only the tail's reads, after its cursor, go on).
        offset = stack.api_log.stat().st_size
        page.fill("#log-search", f"warm-up line 10 of {WARMUP}")
        expect(page.locator("#log-matches")).to_have_text("1 of 1 matches", timeout=REDRAW_MS)
        match = lines.filter(has_text=f"warm-up line 10 of {WARMUP}")
        expect(match).to_be_visible()
        expect(page.locator("#log-resume")).to_be_visible()
        shot(page, "log-search")

        # Airflow's log group (its header is in this window) folds and unfolds.
        header = page.locator("#log-view .log-group", has_text="Warm-up")
        expect(header).to_have_attribute("data-folded", "false")
        header.click()
        expect(header).to_have_attribute("data-folded", "true")
        expect(lines.filter(has_text="warm-up line")).to_have_count(0)
        header.click()
        expect(match).to_be_visible()

        # Next and previous walk every match, wrapping around.
        page.fill("#log-search", f"of {WARMUP}")
        expect(page.locator("#log-matches")).to_have_text(
            f"1 of {WARMUP} matches", timeout=REDRAW_MS
        )
        page.click("#log-next")
        expect(page.locator("#log-matches")).to_have_text(
            f"2 of {WARMUP} matches", timeout=REDRAW_MS
        )
        expect(lines.filter(has_text=f"warm-up line 2 of {WARMUP}")).to_be_visible()
        page.click("#log-previous")
        page.click("#log-previous")
        expect(page.locator("#log-matches")).to_have_text(
            f"{WARMUP} of {WARMUP} matches", timeout=REDRAW_MS
        )
        expect(lines.filter(has_text=f"warm-up line {WARMUP} of {WARMUP}")).to_be_visible()

        # From a window far from the end, Resume goes back to the newest lines, which keep coming.
        page.fill("#log-search", f"warm-up line 3 of {WARMUP}")
        expect(page.locator("#log-matches")).to_have_text("1 of 1 matches", timeout=REDRAW_MS)
        expect(page.locator("#log-range")).to_contain_text("lines 1 to 2000", timeout=REDRAW_MS)
        page.fill("#log-search", "")
        page.click("#log-resume")
        # Resume draws the newest window of 2,000 rows, as the jumps above do.
        expect(page.locator("#log-resume")).to_be_hidden(timeout=REDRAW_MS)
        log_reads = [
            path
            for _, path, _ in requests_since(stack.api_log, offset)
            if f"/runs/{quote(run_id, safe='')}/" in path and "/logs" in path
        ]
        assert log_reads, "the live log went on being read while searching"
        assert all("cursor=" in path for path in log_reads), "a search read the whole log again"
        newest = lines.last.inner_text()
        assert "tick" in newest
        expect(lines.last).not_to_have_text(newest, timeout=15_000)
        wait_at_bottom(page)
        shot(page, "log-live-tail")
    finally:
        # Stop the task: the tail of this closed page would follow it to its end.
        httpx.post(
            f"{stack.api}/api/orchestrator/dags/slow_logger/runs/{quote(run_id, safe='')}"
            "/tasks/tick/state",
            json={"state": "success"},
            headers=headers,
            timeout=60,
        ).raise_for_status()


def test_the_try_picker_shows_an_earlier_tries_log(page: Page, stack: Stack, airflow: Any) -> None:
    ensure_run(airflow, "flaky_retry", FLAKY_RUN)
    sign_in(page, stack, "ada")
    page.goto(f"{stack.web}/workflows/flaky_retry/runs/{quote(FLAKY_RUN, safe='')}")
    page.locator(".graph-node[data-task-id='flaky']").click()
    expect(page.locator("#drawer-title")).to_have_text("flaky")
    picker = page.locator("#log-try")
    # The latest try first: the retry that succeeded.
    expect(picker).to_have_text("2")
    expect(page.locator("#log-view")).to_contain_text("succeeded on try 2")
    picker.click()
    page.get_by_role("option", name="1", exact=True).click()
    expect(page.locator("#log-view")).to_contain_text("first try fails on purpose")
    expect(page.locator("#log-view")).not_to_contain_text("succeeded on try 2")
    shot(page, "log-first-try")
    picker.click()
    page.get_by_role("option", name="2", exact=True).click()
    expect(page.locator("#log-view")).to_contain_text("succeeded on try 2")
