"""A DAG's Overview tab in a real browser: the first tab, its duration bars and the same runs
read as a table, the slowest tasks, and the DAG's display name as the page's heading."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, api_token, shot, sign_in
from tests.support.airflow_runs import ensure_run

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

DAG_ID = "mapped_fanout"
DISPLAY_NAME = "Mapped fan-out → summary"
RUN_ID = "manual__mapped+airdeck:120"


def test_overview_bars_table_and_heading(page: Page, stack: Stack, airflow: Any) -> None:
    ensure_run(airflow, DAG_ID, RUN_ID)
    headers = api_token(stack, "ada")
    dag = httpx.get(f"{stack.api}/api/orchestrator/dags/{DAG_ID}", headers=headers).json()["dag"]
    sign_in(page, stack, "ada")
    page.goto(f"{stack.web}/workflows/{DAG_ID}")
    overview = httpx.get(
        f"{stack.api}/api/orchestrator/dags/{DAG_ID}/overview",
        params={"runs": 25},
        headers=headers,
    ).json()
    runs = overview["runs"]
    assert any(run["run_id"] == RUN_ID for run in runs)

    # The example DAG has a unicode display name of its own, which heads the page beside its id.
    assert dag["display_name"] == DISPLAY_NAME
    expect(page.locator("#dag-title")).to_have_text(DISPLAY_NAME)
    expect(page.locator("#dag-id")).to_have_text(DAG_ID)
    # Overview is the first tab, and the one a DAG page opens on.
    expect(page.get_by_role("tab").first).to_have_accessible_name("Overview")
    expect(page.get_by_role("tab", name="Overview")).to_have_attribute("aria-selected", "true")
    chart = page.locator("#overview-durations")
    expect(chart).to_be_visible()
    ended = [run for run in runs if run["duration"] is not None]
    expect(chart.locator(".recharts-bar-rectangle path")).to_have_count(len(ended))
    expect(chart.locator(".recharts-reference-line")).to_have_count(2)
    expect(page.locator("#overview-success-rate")).to_contain_text("%")
    expect(page.locator(".overview-sparkline").first).to_be_visible()
    shot(page, "dag-overview")

    page.click("#overview-as-table")
    expect(page.locator("#overview-durations")).to_have_count(0)
    rows = page.locator(".overview-run-row")
    expect(rows).to_have_count(len(runs))
    expect(rows.filter(has_text=RUN_ID)).to_have_count(1)
    tasks = page.locator(".overview-task-row")
    expect(tasks).to_have_count(len(overview["slowest_tasks"]))
    expect(tasks.filter(has_text="process")).to_contain_text("mapped")
    shot(page, "dag-overview-tables")

    # Past Airflow's page of 100 runs: every run the DAG has, up to 1,000.
    every = httpx.get(
        f"{stack.api}/api/orchestrator/dags/{DAG_ID}/overview",
        params={"runs": 1000},
        headers=headers,
    ).json()["runs"]
    page.get_by_label("How many of the last runs").click()
    page.get_by_role("option", name="1000").click()
    expect(page.locator("#overview-span")).to_contain_text("1000")
    expect(rows).to_have_count(len(every))
    expect(rows.first).to_contain_text(every[0]["run_id"])


def luminance(css_color: str) -> float:
    """The relative luminance (0 black … 1 white) of a computed ``rgb(…)`` colour."""
    red, green, blue = (int(part) for part in re.findall(r"\d+", css_color)[:3])
    return (0.2126 * red + 0.7152 * green + 0.0722 * blue) / 255


def test_overview_charts_follow_dark_mode(page: Page, stack: Stack, airflow: Any) -> None:
    ensure_run(airflow, DAG_ID, RUN_ID)
    sign_in(page, stack, "ada")
    seen = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.goto(f"{stack.web}/workflows/{DAG_ID}")
        tick = page.locator("#overview-durations .recharts-cartesian-axis-tick-value").first
        expect(tick).to_be_visible()
        background = page.evaluate(
            "getComputedStyle(document.querySelector('.radix-themes')).backgroundColor"
        )
        seen[scheme] = (
            luminance(tick.evaluate("el => getComputedStyle(el).fill")),
            luminance(background),
        )
        shot(page, f"dag-overview-{scheme}")
    # Axis text is dark on a light page and light on a dark one: readable either way.
    (light_text, light_page), (dark_text, dark_page) = seen["light"], seen["dark"]
    assert light_page > 0.8 and dark_page < 0.2, seen
    assert light_text < 0.5 < dark_text, seen
