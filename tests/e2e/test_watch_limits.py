"""One person watches a running run with its live log open for ten minutes, at the default
rate limits (30 log reads and 100 other reads a minute): the log keeps growing, a search and a
download in the middle cost no extra log read, and nothing is ever refused with a 429."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, api_token, requests_since, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.runs_last, pytest.mark.beside]

WATCHER = "wes"
WATCH_SECONDS = 600
TICKS = WATCH_SECONDS + 240
"""The task outlives the watch, however long it waits for a worker."""
TAIL_READS_A_MINUTE = 20
"""What the tail may use of the 30 log reads a minute (the rest: opening, another tab)."""
TICK = re.compile(r"tick (\d+) of")


def newest_tick(page: Page) -> int:
    found = TICK.search(page.locator("#log-view .log-line").last.inner_text())
    assert found, "the newest line of a live log is a tick"
    return int(found[1])


@pytest.mark.timeout(WATCH_SECONDS + 600)
def test_a_person_watches_a_live_log_for_ten_minutes_without_a_429(
    page: Page, stack: Stack, tmp_path: Path
) -> None:
    headers = api_token(stack, WATCHER)
    run_id = httpx.post(
        f"{stack.api}/api/orchestrator/dags/slow_logger/runs",
        json={"conf": {"seconds": TICKS, "warmup_lines": 300}},
        headers=headers,
        timeout=60,
    ).json()["run_id"]
    try:
        sign_in(page, stack, WATCHER)
        page.goto(f"{stack.web}/workflows/slow_logger/runs/{run_id.replace('+', '%2B')}")
        node = page.locator(".graph-node[data-task-id='tick']")
        expect(node).to_have_attribute("data-state", re.compile("running"), timeout=120_000)
        node.click()
        lines = page.locator("#log-view .log-line")
        expect(lines.filter(has_text=TICK)).not_to_have_count(0, timeout=60_000)
        offset = stack.api_log.stat().st_size
        refusals = page.get_by_text(re.compile("Rate limit|Too Many Requests", re.IGNORECASE))

        started, minute, seen = time.monotonic(), 0, newest_tick(page)
        while (left := WATCH_SECONDS - (time.monotonic() - started)) > 0:
            page.wait_for_timeout(min(60.0, left) * 1000)
            minute += 1
            if minute == 3:
                # A search typed key by key, each key its own search, and a download.
                page.locator("#log-search").press_sequentially("warm-up line 7 of 300", delay=600)
                expect(page.locator("#log-matches")).to_have_text("1 of 1 matches", timeout=30_000)
                with page.expect_download() as download:
                    page.click("#log-download")
                saved = tmp_path / "tick.log"
                download.value.save_as(saved)
                assert "warm-up line 7 of 300" in saved.read_text()
                page.fill("#log-search", "")
                page.click("#log-resume")
                expect(page.locator("#log-resume")).to_be_hidden()
            now = newest_tick(page)
            assert now > seen, f"the live log stopped growing in minute {minute}"
            seen = now
            expect(refusals).to_have_count(0)
        shot(page, "watch-ten-minutes")

        done = requests_since(stack.api_log, offset)
        assert [r for r in done if r[2] == 429] == [], "a request was refused"
        run_path = "/".join(("", "runs", quote(run_id, safe="")))
        of_this_run = [path for _, path, _ in done if run_path in path]
        log_reads = [p for p in of_this_run if "/logs" in p]
        assert len(log_reads) <= TAIL_READS_A_MINUTE * WATCH_SECONDS / 60
        assert all("cursor=" in p for p in log_reads), "searching or downloading read the log again"
        run_reads = [p for p in of_this_run if "/tasks/" not in p]
        assert run_reads and all("/snapshot" in p for p in run_reads), "one route per poll"
    finally:
        # An admin stops the task, which would outlive the test by minutes.
        httpx.post(
            f"{stack.api}/api/orchestrator/dags/slow_logger/runs/{quote(run_id, safe='')}"
            "/tasks/tick/state",
            json={"state": "success"},
            headers=api_token(stack, "ada"),
            timeout=60,
        ).raise_for_status()
