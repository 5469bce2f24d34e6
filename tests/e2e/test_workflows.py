"""A person using Airdeck in a real browser against the real stack."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS, Stack, api_token, shot, sign_in
from tests.support.airflow_runs import ensure_run

pytestmark = [pytest.mark.e2e, pytest.mark.integration]


def test_sign_in_and_the_list(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "ada")
    for dag in ("etl_pipeline", "mapped_fanout", "slow_logger", "parametrized_report"):
        expect(page.locator(f".dag-row[data-dag-id='{dag}']")).to_be_visible()
    expect(page.locator("#whoami")).to_contain_text("ada")
    expect(page.locator(".dag-row[data-dag-id='etl_pipeline']")).to_contain_text("At 00:00")
    shot(page, "workflows")
    page.fill("#search", "mapped")
    expect(page.locator(".dag-row")).to_have_count(1)
    expect(page.locator(".dag-row")).to_contain_text("mapped_fanout")
    page.fill("#search", "")
    expect(page.locator(".dag-row[data-dag-id='etl_pipeline']")).to_be_visible()


def dag_ids(page: Page) -> list[str]:
    return [str(row.get_attribute("data-dag-id")) for row in page.locator(".dag-row").all()]


def test_list_pages_sorts_across_pages_and_filters(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "ada")
    total = httpx.get(f"{stack.api}/api/orchestrator/dags", headers=api_token(stack, "ada")).json()[
        "total"
    ]
    assert total > 5, "the examples fill more than one page of five"
    page.locator("#page-size").click()
    page.get_by_role("option", name="5", exact=True).click()
    expect(page.locator("#page-size")).to_have_text("5")
    expect(page.locator("#pager")).to_contain_text(f"Page 1 of 2 · {total} DAGs")
    expect(page.locator(".dag-row")).to_have_count(5)
    first = dag_ids(page)
    page.click("#next-page")
    expect(page.locator("#pager")).to_contain_text("Page 2 of 2")
    expect(page.locator(".dag-row")).to_have_count(total - 5)
    second = dag_ids(page)
    assert first + second == sorted(first + second)
    # Sorting orders the whole list: the last DAG of page 2 now opens page 1.
    page.click(".sort-dag_id")
    expect(page.locator("#pager")).to_contain_text("Page 1 of 2")
    expect(page.locator(".dag-row").first).to_have_attribute("data-dag-id", second[-1])
    assert dag_ids(page) == sorted(first + second, reverse=True)[:5]
    shot(page, "workflows-sorted")

    page.fill("#tag", "mapping")
    expect(page.locator(".dag-row")).to_have_count(1)
    expect(page.locator(".dag-row")).to_have_attribute("data-dag-id", "mapped_fanout")
    page.fill("#tag", "")
    page.fill("#owner", "platform")
    expect(page.locator(".dag-row[data-dag-id='slow_logger']")).to_be_visible()
    expect(page.locator(".dag-row[data-dag-id='etl_pipeline']")).to_have_count(0)
    page.fill("#owner", "")
    page.fill("#search", "no-dag-is-called-this")
    expect(page.locator("#empty")).to_contain_text("No DAGs match")

    # Relative times carry the exact time on hover.
    page.fill("#search", "etl_pipeline")
    page.locator(".dag-row[data-dag-id='etl_pipeline'] .relative-time").last.hover()
    expect(page.get_by_role("tooltip")).to_contain_text(re.compile(r"\d{4}-\d\d-\d\d .* UTC"))


def test_wrong_password_is_refused(page: Page, stack: Stack) -> None:
    page.goto(stack.web + "/")
    page.fill("#username", "ada")
    page.fill("#password", "nope")
    page.click("#sign-in")
    expect(page.locator("#sign-in-error")).to_contain_text("Wrong username or password")
    assert "nope" not in page.url


def test_favorite_survives_reload(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "otto")
    row = page.locator(".dag-row[data-dag-id='grouped_pipeline']")
    row.locator(".favorite").click()
    page.locator("#favorites-only").click()
    expect(page.locator(".dag-row")).to_have_count(1)
    page.reload()
    page.wait_for_selector(".dag-row")
    favorites = httpx.get(
        f"{stack.api}/api/orchestrator/dags",
        params={"favorites": "true"},
        headers=api_token(stack, "otto"),
    ).json()
    assert [d["dag_id"] for d in favorites["dags"]] == ["grouped_pipeline"]


def test_viewer_sees_no_action_buttons(page: Page, stack: Stack, airflow: Any) -> None:
    run_id = "manual__mapped+airdeck:120"
    ensure_run(airflow, "mapped_fanout", run_id)
    for user, allowed in (("vera", 0), ("otto", 1)):
        sign_in(page, stack, user)
        expect(page.locator(".dag-row").first).to_be_visible()
        expect(page.locator(".trigger-button")).to_have_count(
            allowed * page.locator(".dag-row").count()
        )
        expect(page.locator(".pause-button")).to_have_count(
            allowed * page.locator(".dag-row").count()
        )
        page.goto(stack.web + "/workflows/etl_pipeline")
        expect(page.locator("#dag-title")).to_have_text("etl_pipeline")
        expect(page.locator("#open-trigger")).to_have_count(allowed)
        page.goto(f"{stack.web}/workflows/mapped_fanout/runs/{run_id.replace('+', '%2B')}")
        page.locator(".graph-node[data-task-id='summarize']").click()
        expect(page.locator("#drawer-title")).to_have_text("summarize")
        # Clearing and marking are an admin's (tasks:clear); logs are an operator's.
        expect(page.locator("#clear-task")).to_have_count(0)
        expect(page.get_by_role("button", name="Mark success")).to_have_count(0)
        expect(page.locator("#log-view")).to_have_count(allowed)
        if not allowed:
            expect(page.locator("#drawer")).to_contain_text("may not read logs")


def test_trigger_with_invalid_then_valid_conf(page: Page, stack: Stack) -> None:
    headers = api_token(stack, "otto")
    before = httpx.get(
        f"{stack.api}/api/orchestrator/dags/parametrized_report/runs", headers=headers
    ).json()["total"]
    sign_in(page, stack, "otto")
    page.goto(stack.web + "/workflows/parametrized_report")
    page.click("#open-trigger")
    page.fill("#field-days", "99")
    # The form checks the params schema as the user types, before anything is sent.
    expect(page.locator("#error-days")).to_contain_text("31")
    page.click("#submit-trigger")
    expect(page.locator("#trigger-error")).to_contain_text("nothing was triggered")
    expect(page.locator("#error-days")).to_contain_text("31")
    shot(page, "trigger-invalid")
    after_invalid = httpx.get(
        f"{stack.api}/api/orchestrator/dags/parametrized_report/runs", headers=headers
    ).json()["total"]
    assert after_invalid == before, "an invalid conf creates nothing"
    page.fill("#field-days", "5")
    page.fill("#config-name", "five-days")
    page.click("#save-config")
    expect(page.locator("#config-name")).to_have_value("")
    for _ in range(50):
        configs = httpx.get(
            f"{stack.api}/api/orchestrator/dags/parametrized_report/configs", headers=headers
        ).json()
        if configs["configs"]:
            break
        page.wait_for_timeout(100)
    assert [(c["name"], c["conf"]["days"]) for c in configs["configs"]] == [("five-days", 5)]
    page.click("#submit-trigger")
    expect(page.locator("#submit-trigger")).to_be_hidden()
    expect(page.locator(".run-row").first).to_be_visible()
    runs = httpx.get(
        f"{stack.api}/api/orchestrator/dags/parametrized_report/runs", headers=headers
    ).json()
    assert runs["total"] == before + 1
    assert runs["runs"][0]["conf"]["days"] == 5
    shot(page, "dag-detail")
    # The new run goes on to succeed, as its page shows.
    page.locator(".run-link", has_text=runs["runs"][0]["run_id"]).click()
    expect(page.locator("#run-title")).to_have_text(runs["runs"][0]["run_id"])
    expect(page.locator("#run-state")).to_have_text("success", timeout=120_000)


def test_run_graph_drawer_and_live_log(page: Page, stack: Stack) -> None:
    headers = api_token(stack, "ada")
    triggered = httpx.post(
        f"{stack.api}/api/orchestrator/dags/slow_logger/runs",
        json={"conf": {"seconds": 40}},
        headers=headers,
    ).json()
    run_id = triggered["run_id"]
    sign_in(page, stack, "ada")
    page.goto(f"{stack.web}/workflows/slow_logger/runs/{run_id.replace('+', '%2B')}")
    node = page.locator(".graph-node[data-task-id='tick']")
    expect(node).to_be_visible()
    expect(node).to_have_attribute("data-state", re.compile("running"), timeout=60_000)
    shot(page, "run-graph")
    node.click()
    expect(page.locator("#drawer-title")).to_have_text("tick")
    lines = page.locator("#log-view .log-line")
    expect(lines.filter(has_text="tick 2 of 40")).to_have_count(1, timeout=30_000)
    # New lines arrive without a reload (waited for: the tail brings them when it polls).
    expect(lines).not_to_have_count(lines.count(), timeout=30_000)
    shot(page, "live-log")


def test_mapped_run_graph_shows_every_task_with_state(
    page: Page, stack: Stack, airflow: Any
) -> None:
    run_id = "manual__mapped+airdeck:120"
    ensure_run(airflow, "mapped_fanout", run_id)
    sign_in(page, stack, "ada")
    page.goto(f"{stack.web}/workflows/mapped_fanout/runs/{run_id.replace('+', '%2B')}")
    for task, state in (
        ("make_items", "success"),
        ("process", "failed"),
        ("report_failures", "success"),
        ("summarize", "success"),
    ):
        expect(page.locator(f".graph-node[data-task-id='{task}']")).to_have_attribute(
            "data-state", state
        )
    expect(page.locator(".graph-node[data-task-id='process']")).to_contain_text("120")
    shot(page, "mapped-graph")
    # The drawer lists the instances; picking one shows its own state.
    instances = httpx.get(
        f"{stack.api}/api/orchestrator/dags/mapped_fanout/runs/{run_id.replace('+', '%2B')}"
        "/tasks/process/mapped",
        params={"limit": 200, "state": "failed"},
        headers=api_token(stack, "ada"),
    ).json()["instances"]
    # An item the DAG rejects on purpose (other tests mark instances by hand).
    failed = str(next(i["map_index"] for i in instances if i["map_index"] % 25 == 7))
    page.locator(".graph-node[data-task-id='process']").click()
    expect(page.locator("#instances")).to_contain_text("of 120")
    page.locator(f".instance-row[data-map-index='{failed}']").click()
    expect(page.locator("#task-details")).to_contain_text("failed")
    expect(
        page.locator("#log-view .log-line", has_text=f"item {failed} is rejected on purpose")
    ).to_have_count(1)
    box = page.locator("#drawer").bounding_box()
    assert box and box["x"] > 400, "the drawer slides over from the right edge"
    page.screenshot(path=str(SCREENSHOTS / "mapped-drawer.png"))
