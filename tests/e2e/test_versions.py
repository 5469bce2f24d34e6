"""A DAG's versions in a real browser: on a DAG whose file changed once under the test Airflow,
the Versions tab lists both versions, shows the code of the one picked, and a diff between two
picked versions colours the added lines (readable in dark mode too); a run's page says which
version and bundle the run used."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Page, expect

from airdeck_domain.caching import DAG_LIST_TTL
from tests.e2e.conftest import Stack, api_token, shot, sign_in
from tests.support.accessibility import blocking_violations
from tests.support.changing_dag import ChangedDag, dag_changed_once

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


@pytest.fixture(scope="module")
def changed(airflow: Any, stack: Stack) -> Iterator[ChangedDag]:
    with dag_changed_once(airflow) as dag:
        yield dag
    # Later modules count the DAGs the shared stack's API lists: wait until Airflow's list no
    # longer has the deleted one (a search is a list page of its own, read afresh), then until
    # every page of the list the API cached before is stale.
    headers = api_token(stack, "ada")
    deadline = time.monotonic() + 180
    while True:
        listed = httpx.get(
            f"{stack.api}/api/orchestrator/dags", params={"search": dag.dag_id}, headers=headers
        )
        if listed.status_code == 200 and listed.json()["total"] == 0:
            break
        if time.monotonic() > deadline:
            pytest.fail(f"the stack's API still lists the deleted test DAG {dag.dag_id}")
        time.sleep(2)
    time.sleep(DAG_LIST_TTL + 1)


def pick(page: Page, picker: str, number: int) -> None:
    page.locator(picker).click()
    page.get_by_role("option", name=f"v{number}", exact=True).click()
    expect(page.locator(picker)).to_have_text(f"v{number}")


def open_versions(page: Page, stack: Stack, dag_id: str) -> None:
    page.goto(f"{stack.web}/workflows/{dag_id}")
    expect(page.locator("#dag-title")).to_have_text(dag_id)
    page.get_by_role("tab", name="Versions").click()
    expect(page.get_by_role("tab", name="Versions")).to_have_attribute("aria-selected", "true")


def test_a_diff_between_two_picked_versions_highlights_the_added_lines(
    page: Page, stack: Stack, changed: ChangedDag
) -> None:
    page.emulate_media(color_scheme="dark")
    sign_in(page, stack, "vera")
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    open_versions(page, stack, changed.dag_id)

    rows = page.locator("#versions-table .version-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-version", "2")
    expect(rows.nth(0)).to_contain_text("dags-folder")
    expect(rows.nth(0)).to_contain_text("not versioned")
    expect(page.locator("#restore-note")).to_contain_text("change the file")

    # The same version on both sides: nothing changed.
    pick(page, "#diff-from", 2)
    pick(page, "#diff-to", 2)
    expect(page.locator("#diff-summary")).to_have_text("The code is the same.")
    expect(page.locator("#version-diff")).to_have_count(0)

    pick(page, "#diff-from", 1)
    added = page.locator("#version-diff .diff-line[data-kind='added']")
    expect(added).to_have_count(len(changed.added))
    for line, text in zip(added.all(), changed.added, strict=True):
        expect(line).to_contain_text("+" + text)
    expect(page.locator("#version-diff .diff-line[data-kind='removed']")).to_have_count(0)
    expect(page.locator("#diff-summary")).to_have_text(
        f"{len(changed.added)} lines added, 0 removed"
    )
    marked = added.first.evaluate("e => getComputedStyle(e).backgroundColor")
    unmarked = page.locator("#version-diff .diff-line[data-kind='context']").first
    assert marked != unmarked.evaluate("e => getComputedStyle(e).backgroundColor")
    assert blocking_violations(page) == []
    shot(page, "versions-diff-dark")
    page.emulate_media(color_scheme="light")
    expect(page.locator("html")).to_have_class(re.compile(r"\blight\b"))
    assert blocking_violations(page) == []

    pick(page, "#code-version", 1)
    code = page.locator("#version-code")
    expect(code).to_contain_text('task_id="first"')
    expect(code).not_to_contain_text('task_id="second"')
    pick(page, "#code-version", 2)
    expect(code).to_contain_text('task_id="second"')


def test_a_run_page_says_which_version_and_bundle_the_run_used(
    page: Page, stack: Stack, changed: ChangedDag
) -> None:
    sign_in(page, stack, "vera")
    for run_id, number in ((changed.first_run, 1), (changed.second_run, 2)):
        page.goto(f"{stack.web}/workflows/{changed.dag_id}/runs/{quote(run_id, safe='')}")
        expect(page.locator("#run-title")).to_have_text(run_id)
        expect(page.locator("#run-version")).to_have_text(
            re.compile(rf"^version {number} · bundle dags-folder$")
        )
