"""A run's Gantt tab in a real browser: a running task's bar grows while the page watches, a
retried task shows a segment per try, a mapped task is one row until expanded (a page of its
instances at a time), the time line zooms, and the same tries read as a table, in light and
dark mode."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import Stack, api_token, shot, sign_in
from tests.support.airflow_runs import ensure_run

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

MAPPED_DAG, MAPPED_RUN = "mapped_fanout", "manual__mapped+airdeck:120"
RETRIED_DAG, RETRIED_RUN = "flaky_retry", "manual__gantt+retried"
TOOK = re.compile(r"^(?:(\d+)h )?(?:(\d+)m )?([\d.]+)s$|^(\d+)h (\d+)m$")


def seconds(text: str) -> float:
    """``"1m 5s"`` / ``"12.3s"`` as seconds (the Gantt's durations, ``timefmt.duration``)."""
    found = TOOK.match(text.strip())
    assert found, f"not a duration: {text!r}"
    hours, minutes, secs, long_hours, long_minutes = found.groups()
    if long_hours is not None:
        return int(long_hours) * 3600 + int(long_minutes) * 60
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(secs)


def open_gantt(page: Page, stack: Stack, dag_id: str, run_id: str) -> None:
    page.goto(f"{stack.web}/workflows/{dag_id}/runs/{run_id.replace('+', '%2B')}")
    page.wait_for_selector("#run-title")
    page.get_by_role("tab", name="Gantt").click()
    # Chosen while the page may still be loading: the tab stays chosen.
    expect(page.get_by_role("tab", name="Gantt")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#gantt")).to_be_visible()


def running_bar(page: Page) -> Locator:
    """The drawn running part of a bar, in the state colour of a running try."""
    return page.locator("#gantt-chart .recharts-bar-rectangle path[fill='var(--blue-9)']")


def test_a_running_tasks_bar_grows_while_the_page_watches(
    page: Page, stack: Stack, airflow: Any
) -> None:
    started = httpx.post(
        f"{stack.api}/api/orchestrator/dags/slow_logger/runs",
        json={"conf": {"seconds": 60}},
        headers=api_token(stack, "gus"),
        timeout=60,
    )
    assert started.status_code == 201, started.text
    run_id = started.json()["run_id"]
    sign_in(page, stack, "gus")
    open_gantt(page, stack, "slow_logger", run_id)

    row = page.locator(".gantt-row[data-task-id='tick']")
    expect(row).to_have_attribute("data-state", "running", timeout=120_000)
    expect(row).to_have_attribute("data-live", "true")
    expect(running_bar(page)).to_have_count(1)
    took = row.locator(".gantt-took")
    first_text = took.inner_text()
    first_box = running_bar(page).bounding_box()
    assert first_box is not None

    # The page polls (2 s, backing off to 10 s while nothing but the clock moves): the bar
    # grows without a reload.
    expect(took).not_to_have_text(first_text, timeout=30_000)
    assert seconds(took.inner_text()) > seconds(first_text)
    later_box = running_bar(page).bounding_box()
    assert later_box is not None
    # The time line grows with the run; a bar that started after the run did takes a
    # growing share of it.
    assert later_box["width"] > first_box["width"]
    expect(page.get_by_text("live", exact=True)).to_be_visible()
    shot(page, "gantt-running")


def test_tries_mapped_instances_zoom_and_table(page: Page, stack: Stack, airflow: Any) -> None:
    ensure_run(airflow, RETRIED_DAG, RETRIED_RUN)
    ensure_run(airflow, MAPPED_DAG, MAPPED_RUN)
    sign_in(page, stack, "ada")

    # A retried task: one segment per try, the failed try red and the retry green.
    open_gantt(page, stack, RETRIED_DAG, RETRIED_RUN)
    flaky = page.locator(".gantt-row[data-task-id='flaky']")
    expect(flaky).to_contain_text("2 tries")
    chart = page.locator("#gantt-chart")
    expect(chart.locator(".recharts-bar-rectangle path[fill='var(--red-9)']")).to_have_count(1)
    expect(chart.locator(".recharts-bar-rectangle path[fill='var(--green-9)']")).to_have_count(2)

    # A mapped task is one row until expanded, then a page of its 120 instances.
    open_gantt(page, stack, MAPPED_DAG, MAPPED_RUN)
    process = page.locator(".gantt-row[data-task-id='process'][data-kind='mapped']")
    expect(process).to_contain_text("[120]")
    instances = page.locator(".gantt-row[data-kind='instance']")
    expect(instances).to_have_count(0)
    process.locator(".gantt-expand").click()
    expect(instances).to_have_count(100)
    expect(page.locator(".gantt-row[data-kind='pager']")).to_contain_text("1 to 100 of 120")
    page.locator(".gantt-next").click()
    expect(instances).to_have_count(20)
    expect(instances.first).to_have_attribute("data-map-index", "100")
    # Every bar is coloured by a theme variable: dark mode draws them in its own shades.
    fills = chart.locator(".recharts-bar-rectangle path").evaluate_all(
        "paths => paths.map(p => p.getAttribute('fill'))"
    )
    drawn = [f for f in fills if f != "transparent"]  # the gaps before each try
    assert drawn and all(f.startswith("var(--") for f in drawn), set(fills)
    page.emulate_media(color_scheme="dark")
    shot(page, "gantt-mapped-dark")
    page.emulate_media(color_scheme="light")

    # Zoom: the slider's first thumb moves the start of the time range shown.
    shown = page.locator("#gantt-shown")
    whole = shown.inner_text()
    page.locator("#gantt-zoom [role='slider']").first.press("PageUp")
    expect(shown).not_to_have_text(whole)
    page.get_by_role("button", name="Whole run").click()
    expect(shown).to_have_text(whole)

    # The same tries as a table: the span of the mapped task and its instances shown.
    page.click("#gantt-as-table")
    expect(chart).to_have_count(0)
    rows = page.locator(".gantt-table-row")
    expect(rows.filter(has_text="process [120]")).to_contain_text("span")
    expect(rows.filter(has_text="process [100]")).to_have_count(1)
    shot(page, "gantt-table")
