"""The schedule calendar in a real browser set to Tokyo time: a finished run on the day it
started in that zone, the daily DAG's next run where Airflow plans it, a run opening its page,
the week view, and a tag filter emptying the calendar."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Stack, api_token, shot, sign_in
from tests.support.airflow_runs import client as airflow_client
from tests.support.airflow_runs import ensure_run, get_run

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

DAG_ID = "etl_pipeline"
RUN_ID = "manual__calendar+airdeck"
ZONE = "Asia/Tokyo"


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(ZoneInfo(ZONE))


@pytest.fixture
def tokyo_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1440, "height": 900}, timezone_id=ZONE)
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


def test_calendar_in_the_browsers_time_zone(tokyo_page: Page, stack: Stack, airflow: Any) -> None:
    page = tokyo_page
    ensure_run(airflow, DAG_ID, RUN_ID)
    run = get_run(airflow, DAG_ID, RUN_ID)
    assert run is not None
    started = moment(run["start_date"])
    planned = moment(airflow_client(airflow).get(f"/dags/{DAG_ID}").json()["next_dagrun_run_after"])
    today = datetime.now(ZoneInfo(ZONE)).date()

    sign_in(page, stack, "ada")
    page.click("#nav-calendar")
    page.wait_for_url("**/calendar")
    expect(page.locator("#calendar-heading")).to_contain_text(ZONE)
    expect(page.locator("#calendar-heading")).to_contain_text(today.strftime("%B %Y"))

    # The next run Airflow plans sits on its day, at its hour in the browser's zone (a month
    # view shows whole weeks, so the next midnight is on it unless today ends the last week).
    if (
        planned.date()
        <= datetime.fromisoformat(
            page.locator(".calendar-day").last.get_attribute("data-day") or ""
        ).date()
    ):
        planned_day = page.locator(f'.calendar-day[data-day="{planned.date().isoformat()}"]')
        expected = planned_day.locator(f'.calendar-expected[data-dag="{DAG_ID}"]')
        expect(planned_day.locator(".calendar-entry").first).to_be_visible()
        # On a busy day (the suite starts many runs) it may be behind "+N more", as below.
        if expected.count() == 0:
            planned_day.locator(".calendar-more").click()
            expect(page.locator(".calendar-day")).to_have_count(7)
        expect(expected.first).to_contain_text(planned.strftime("%H:%M"))

    page.get_by_role("radio", name="Week").click()
    expect(page.locator(".calendar-day")).to_have_count(7)
    shot(page, "calendar-week")
    page.fill("#calendar-tag", "no-such-tag")
    page.click("#calendar-filter")
    expect(page.locator(".calendar-entry")).to_have_count(0)
    page.fill("#calendar-tag", "etl")
    page.click("#calendar-filter")
    first_day = page.locator(".calendar-day").first.get_attribute("data-day")
    listed = httpx.get(
        f"{stack.api}/api/orchestrator/calendar",
        params={"view": "week", "day": first_day or "", "tz": ZONE, "tag": "etl"},
        headers=api_token(stack, "ada"),
    ).json()
    expect(page.locator(".calendar-entry")).to_have_count(
        sum(len(d["entries"]) for d in listed["days"])
    )

    # Back, month by month, to the run (it may be an earlier session's): it sits on the day it
    # started in Tokyo, green, at its Tokyo time, and opens its run page.
    page.get_by_role("radio", name="Month").click()
    expect(page.locator(".calendar-day")).not_to_have_count(7)
    for _ in range(24):
        if page.locator(f'.calendar-day[data-day="{started.date().isoformat()}"]').count():
            break
        shown = page.locator("#calendar-heading").inner_text()
        page.click("#calendar-back")
        expect(page.locator("#calendar-heading")).not_to_have_text(shown)
    day = page.locator(f'.calendar-day[data-day="{started.date().isoformat()}"]')
    entry = day.locator(f'.calendar-run[href*="/runs/{RUN_ID.replace("+", "%2B")}?"]')
    shot(page, "calendar-month")
    # A month's cell lists six runs; "+N more" opens that day's week, which lists them all.
    if entry.count() == 0:
        day.locator(".calendar-more").click()
        expect(page.locator(".calendar-day")).to_have_count(7)
    expect(entry).to_have_count(1)
    expect(entry).to_have_attribute("data-state", "success")
    expect(entry).to_contain_text(started.strftime("%H:%M"))
    entry.click()
    page.wait_for_url(f"**/workflows/{DAG_ID}/runs/**")
