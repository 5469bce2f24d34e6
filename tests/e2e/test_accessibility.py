"""Accessibility in a real browser: axe-core finds nothing serious or critical on the main
screens, in light mode and in dark mode, and the control the keyboard is on shows it."""

from __future__ import annotations

import re
from typing import Any, Literal
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, sign_in
from tests.support.accessibility import blocking_violations, focus_shown
from tests.support.airflow_runs import ensure_run

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

DAG_ID = "grouped_pipeline"
RUN_ID = "manual__grouped+airdeck"
"""The finished run the graph tests read too (ensure_run reuses it)."""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_main_screens_have_no_serious_violations(
    page: Page, stack: Stack, airflow: Any, scheme: Literal["light", "dark"]
) -> None:
    ensure_run(airflow, DAG_ID, RUN_ID)
    # The app follows the system's colour mode until the person picks one with its toggle.
    page.emulate_media(color_scheme=scheme)
    found: dict[str, list[str]] = {}
    sign_in(page, stack, "ada")
    expect(page.locator("html")).to_have_class(re.compile(rf"\b{scheme}\b"))
    found["the DAG list"] = blocking_violations(page)

    page.goto(f"{stack.web}/workflows/{DAG_ID}")
    expect(page.locator("#overview")).to_be_visible()
    found["a DAG page"] = blocking_violations(page)

    page.goto(f"{stack.web}/workflows/{DAG_ID}/runs/{quote(RUN_ID, safe='')}")
    page.locator(".graph-node[data-task-id='load']").click()
    expect(page.locator("#log-view .log-line").first).to_be_visible()
    found["a run page with the task drawer open"] = blocking_violations(page)

    page.goto(f"{stack.web}/calendar")
    expect(page.locator("#calendar")).to_be_visible()
    found["the calendar"] = blocking_violations(page)

    page.goto(f"{stack.web}/audit")
    expect(page.locator(".audit-row").first).to_be_visible()
    found["the audit page"] = blocking_violations(page)

    page.goto(f"{stack.web}/inbox")
    expect(page.locator("#inbox-table")).to_be_visible()
    found["the inbox"] = blocking_violations(page)

    page.goto(f"{stack.web}/alerts")
    expect(page.locator("#alert-total")).to_be_visible()
    found["the alerts page"] = blocking_violations(page)
    page.locator("#alert-new").click()
    expect(page.locator("#alert-form")).to_be_visible()
    found["the alert rule form"] = blocking_violations(page)

    # Every screen's findings at once: one run of the test tells all there is to fix.
    report = "\n".join(f"{screen}: {line}" for screen, lines in found.items() for line in lines)
    assert report == "", f"axe-core found serious or critical violations ({scheme}):\n{report}"


def test_the_keyboard_focus_is_always_visible(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "ada")
    unseen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        if not focus_shown(page):
            unseen.append(page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)"))
    assert unseen == [], f"focused without a visible focus ring: {unseen}"
