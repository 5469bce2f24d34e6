"""Keyboard shortcuts in a real browser: ``/`` searches the DAG list, ``g d`` goes to it, ``t``
triggers (for those who may), ``Esc`` closes the task drawer, ``Ctrl+F`` searches the whole log;
none of them (but ``Esc``) fires while a person types in a field."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, shot, sign_in
from tests.support.airflow_runs import ensure_run

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

DAG_ID = "grouped_pipeline"
RUN_ID = "manual__grouped+airdeck"
"""The finished run the graph tests read too (ensure_run reuses it)."""


def test_search_go_to_dags_and_trigger(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "ada")
    search = page.locator("#search")
    page.keyboard.press("/")
    expect(search).to_be_focused()
    expect(search).to_have_value("")  # the "/" itself is not typed into the search

    page.goto(f"{stack.web}/workflows/{DAG_ID}")
    expect(page.locator("#dag-title")).to_be_visible()
    # Typed into a field, the same keys are only text.
    page.get_by_role("tab", name="Runs").click()
    conf = page.locator("#conf-search")
    conf.click()
    conf.press_sequentially("g d t /")
    expect(conf).to_have_value("g d t /")
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert page.url.endswith(f"/workflows/{DAG_ID}")

    page.locator("#dag-title").click()
    page.keyboard.press("t")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(f"Trigger {DAG_ID}")
    shot(page, "keyboard-trigger")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)

    page.keyboard.press("g")
    page.keyboard.press("d")
    page.wait_for_url("**/workflows")
    expect(page.locator(".dag-row").first).to_be_visible()


def test_t_does_nothing_for_a_viewer(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "vera")
    page.goto(f"{stack.web}/workflows/{DAG_ID}")
    expect(page.locator("#dag-title")).to_be_visible()
    expect(page.locator("#open-trigger")).to_have_count(0)
    page.keyboard.press("t")
    # "g d" after it still works: the page went on listening, and nothing opened meanwhile.
    page.keyboard.press("g")
    page.keyboard.press("d")
    page.wait_for_url("**/workflows")
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_escape_closes_the_drawer_and_ctrl_f_searches_the_log(
    page: Page, stack: Stack, airflow: Any
) -> None:
    ensure_run(airflow, DAG_ID, RUN_ID)
    sign_in(page, stack, "ada")
    page.goto(f"{stack.web}/workflows/{DAG_ID}/runs/{quote(RUN_ID, safe='')}")
    node = page.locator(".graph-node[data-task-id='load']")
    drawer = page.locator("#drawer")

    node.click()
    expect(drawer).to_be_visible()
    page.keyboard.press("Escape")
    expect(drawer).to_have_count(0)

    node.click()
    expect(page.locator("#log-view .log-line").first).to_be_visible()
    search = page.locator("#log-search")
    expect(search).not_to_be_focused()
    page.keyboard.press("Control+f")
    expect(search).to_be_focused()
    page.keyboard.type("bundles")
    expect(page.locator("#log-matches")).to_contain_text("matches")
    shot(page, "keyboard-log-search")
    # Esc closes the drawer from inside a field too.
    page.keyboard.press("Escape")
    expect(drawer).to_have_count(0)
