"""The layout at a tablet's width (768 x 1024) in a real browser: the page never scrolls
sideways (wide tables and charts scroll in their own box), the top bar wraps, the main
controls are on screen and the task drawer fits."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import Stack, shot, sign_in
from tests.support.airflow_runs import ensure_run

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

TABLET = {"width": 768, "height": 1024}
DAG_ID = "grouped_pipeline"
RUN_ID = "manual__grouped+airdeck"
"""The finished run the graph tests read too (ensure_run reuses it)."""

# What sticks out past the right edge of the page, outermost first, when the page is wider
# than the window: the message of a failure names what to fix.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const wide = [...document.querySelectorAll("body *")].filter(
    (el) => el.getBoundingClientRect().right > width + 0.5);
  return wide.filter((el) => !wide.includes(el.parentElement)).slice(0, 10).map((el) =>
    `${el.tagName.toLowerCase()}#${el.id}.${String(el.className).slice(0, 60)}`
    + ` right=${Math.round(el.getBoundingClientRect().right)}`);
}"""


@pytest.fixture
def tablet(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=TABLET)
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


def no_sideways_scroll(page: Page) -> None:
    sticking_out = page.evaluate(OVERFLOW)
    assert sticking_out == [], f"the page scrolls sideways at 768 px: {sticking_out}"


def on_screen(locator: Locator) -> None:
    """The control is shown whole, once scrolled to (a drawer once it has slid in): nothing
    cuts it off, neither the window's edge nor a box it scrolls in."""
    expect(locator).to_be_visible()
    locator.scroll_into_view_if_needed()
    # Whole but for a fraction of a pixel: a full-height drawer measures 0.9997 of itself.
    expect(locator).to_be_in_viewport(ratio=0.99)


def test_the_dag_list_fits_a_tablet(tablet: Page, stack: Stack) -> None:
    sign_in(tablet, stack, "ada")
    for control in ("#nav-dags", "#nav-calendar", "#nav-audit", "#whoami", "#search", "#status"):
        on_screen(tablet.locator(control))
    on_screen(tablet.get_by_role("button", name="Sign out"))
    on_screen(tablet.locator("#dag-table"))
    on_screen(tablet.locator(".dag-row .dag-link").first)
    on_screen(tablet.locator("#next-page"))
    no_sideways_scroll(tablet)
    shot(tablet, "tablet-dag-list")


def test_a_dag_page_fits_a_tablet(tablet: Page, stack: Stack, airflow: Any) -> None:
    ensure_run(airflow, DAG_ID, RUN_ID)
    sign_in(tablet, stack, "ada")
    tablet.goto(f"{stack.web}/workflows/{DAG_ID}")
    on_screen(tablet.locator("#dag-title"))
    on_screen(tablet.locator("#open-trigger"))
    for tab in ("Overview", "Grid", "Runs", "Graph", "Details"):
        on_screen(tablet.get_by_role("tab", name=tab))
    no_sideways_scroll(tablet)
    shot(tablet, "tablet-dag-overview")
    for tab, shown in (("Runs", ".run-row"), ("Grid", "#dag-grid"), ("Details", "#metadata-form")):
        tablet.get_by_role("tab", name=tab).click()
        expect(tablet.locator(shown).first).to_be_visible()
        no_sideways_scroll(tablet)
    shot(tablet, "tablet-dag-details")


def test_a_run_page_and_its_drawer_fit_a_tablet(tablet: Page, stack: Stack, airflow: Any) -> None:
    ensure_run(airflow, DAG_ID, RUN_ID)
    sign_in(tablet, stack, "ada")
    tablet.goto(f"{stack.web}/workflows/{DAG_ID}/runs/{quote(RUN_ID, safe='')}")
    on_screen(tablet.locator("#run-title"))
    on_screen(tablet.locator("#run-state"))
    for tab in ("Graph", "Grid", "Gantt"):
        on_screen(tablet.get_by_role("tab", name=tab))
    on_screen(tablet.locator("#graph"))
    no_sideways_scroll(tablet)
    tablet.locator(".graph-node[data-task-id='load']").click()
    drawer = tablet.locator("#drawer")
    on_screen(drawer)
    for control in ("#clear-task", "#log-search", "#log-download", "#log-view"):
        on_screen(drawer.locator(control))
    shot(tablet, "tablet-run-drawer")
    tablet.keyboard.press("Escape")
    expect(drawer).to_have_count(0)
    tablet.get_by_role("tab", name="Grid").click()
    expect(tablet.locator("#grid .grid-row").first).to_be_visible()
    no_sideways_scroll(tablet)
