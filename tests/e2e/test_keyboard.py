"""Keyboard shortcuts in a real browser: ``/`` searches the DAG list, ``g d`` goes to it, ``t``
triggers (for those who may), ``Esc`` closes the task drawer, ``Ctrl+F`` searches the whole log;
none of them (but ``Esc``) fires while a person types in a field. Every control a mouse uses is
reached by Tab and works with Enter or Space: the DAG list's sortable headers, the grid's cells,
the log's foldable groups."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, shot, sign_in
from tests.support.accessibility import focus_shown, tab_to
from tests.support.airflow_runs import ensure_run
from tests.support.grid_runs import FAILED_TASK, ensure_grid_runs

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


def _dag_ids(page: Page) -> list[str]:
    rows = page.locator(".dag-row")
    return [str(rows.nth(n).get_attribute("data-dag-id")) for n in range(rows.count())]


def test_the_dag_list_sorts_by_keyboard(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "vera")
    by_id = page.locator("#dag-table .sort-dag_id")
    by_last_run = page.locator("#dag-table .sort-last_run")
    expect(by_id).to_have_attribute("aria-sort", "ascending")
    expect(by_last_run).to_have_attribute("aria-sort", "none")
    first = _dag_ids(page)[0]

    page.keyboard.press("/")
    tab_to(page, ".sort-dag_id button")
    assert focus_shown(page)
    page.keyboard.press("Enter")
    expect(by_id).to_have_attribute("aria-sort", "descending")
    expect(page.locator(".dag-row").first).not_to_have_attribute("data-dag-id", first)
    ids = _dag_ids(page)
    assert ids == sorted(ids, reverse=True), ids

    tab_to(page, ".sort-last_run button")
    page.keyboard.press(" ")
    expect(by_last_run).to_have_attribute("aria-sort", "ascending")
    expect(by_id).to_have_attribute("aria-sort", "none")


def test_a_grid_cell_opens_its_task_by_keyboard(page: Page, stack: Stack, airflow: Any) -> None:
    _, failed_run = ensure_grid_runs(airflow)
    sign_in(page, stack, "vera")
    page.goto(f"{stack.web}/workflows/{DAG_ID}")
    page.get_by_role("tab", name="Grid").click()
    expect(page.locator("#dag-grid .grid-row[data-row]").first).to_be_visible()

    page.locator("#grid-refresh").focus()
    tab_to(page, f"#dag-grid a.grid-cell[data-task='{FAILED_TASK}'][data-run='{failed_run}']")
    assert focus_shown(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/runs/manual__grid(\+|%2B)failed\?task="))
    expect(page.locator("#drawer-title")).to_have_text(FAILED_TASK)


def test_a_log_group_folds_by_keyboard(page: Page, stack: Stack, airflow: Any) -> None:
    ensure_run(airflow, DAG_ID, RUN_ID)
    sign_in(page, stack, "ada")
    page.goto(f"{stack.web}/workflows/{DAG_ID}/runs/{quote(RUN_ID, safe='')}")
    page.locator(".graph-node[data-task-id='load']").click()
    expect(page.locator("#log-view .log-group").first).to_be_visible()

    page.locator("#log-search").focus()
    tab_to(page, "#log-view .log-group")
    assert focus_shown(page)
    group = page.locator("#log-view .log-group:focus")
    expect(group).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Enter")
    expect(group).to_have_attribute("data-folded", "true")
    expect(group).to_have_attribute("aria-expanded", "false")
    page.keyboard.press(" ")
    expect(group).to_have_attribute("data-folded", "false")
    expect(group).to_have_attribute("aria-expanded", "true")
