"""A person using Airdeck in a real browser against the real stack."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS, Stack, api_token, shot, sign_in
from tests.support.accessibility import SETTLED
from tests.support.airflow_runs import ensure_run, unpause

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
    times = page.locator(".dag-row[data-dag-id='etl_pipeline'] .relative-time")
    # Written by the browser (moment), from the ISO time the API gave: the last run was before
    # now, the next one after.
    expect(times.first).to_contain_text(re.compile(r"ago$"))
    expect(times.last).to_contain_text(re.compile(r"^in "))
    times.last.hover()
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


def test_trigger_with_invalid_then_valid_conf(page: Page, stack: Stack, airflow: Any) -> None:
    # A DAG is paused when Airflow first parses it: a paused DAG's runs stay queued.
    unpause(airflow, "parametrized_report")
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
    # As a person would, pick another once the drawer slid in and settled on the first one.
    expect(page.locator("#task-details")).to_be_visible()
    page.wait_for_function(SETTLED)
    page.locator(f".instance-row[data-map-index='{failed}']").click()
    expect(page.locator("#task-details")).to_contain_text("failed")
    expect(
        page.locator("#log-view .log-line", has_text=f"item {failed} is rejected on purpose")
    ).to_have_count(1)
    box = page.locator("#drawer").bounding_box()
    assert box and box["x"] > 400, "the drawer slides over from the right edge"
    page.screenshot(path=str(SCREENSHOTS / "mapped-drawer.png"))


def test_runs_are_found_by_their_conf(page: Page, stack: Stack) -> None:
    headers = api_token(stack, "ada")
    runs_url = f"{stack.api}/api/orchestrator/dags/parametrized_report/runs"
    conf = {"region": "us", "days": 29}
    triggered = httpx.post(runs_url, json={"conf": conf}, headers=headers, timeout=60)
    assert triggered.status_code == 201, triggered.text
    run_id = triggered.json()["run_id"]
    found = httpx.get(
        runs_url, params={"conf.region": "us", "conf.days": "29"}, headers=headers
    ).json()
    assert run_id in [r["run_id"] for r in found["runs"]]

    sign_in(page, stack, "ada")
    page.goto(f"{stack.web}/workflows/parametrized_report")
    page.get_by_role("tab", name="Runs").click()
    page.fill("#conf-search", "region=us days=29")
    page.click("#conf-search-submit")
    rows = page.locator(".run-row")
    expect(rows).to_have_count(min(len(found["runs"]), 20))
    expect(rows.filter(has_text=run_id)).to_have_count(1)
    page.fill("#conf-search", "region=nowhere")
    page.click("#conf-search-submit")
    expect(page.locator("#runs-empty")).to_have_text("No runs with this conf.")
    page.fill("#conf-search", "region")
    page.click("#conf-search-submit")
    expect(page.locator("#conf-search-error")).to_contain_text("key=value")


def test_saved_configs_are_shared_renamed_run_and_deleted(page: Page, stack: Stack) -> None:
    headers = api_token(stack, "ida")
    configs_url = f"{stack.api}/api/orchestrator/dags/parametrized_report/configs"
    runs_url = f"{stack.api}/api/orchestrator/dags/parametrized_report/runs"

    def mine() -> list[dict[str, Any]]:
        listed = httpx.get(configs_url, headers=headers).json()["configs"]
        return [c for c in listed if c["created_by"] == "ida"]

    created = httpx.post(
        configs_url,
        json={"name": "ida-weekly", "conf": {"region": "apac", "days": 13}},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    config_id = created.json()["id"]
    before = httpx.get(runs_url, params={"conf.days": "13"}, headers=headers).json()["total"]

    sign_in(page, stack, "ida")
    page.goto(f"{stack.web}/workflows/parametrized_report")
    page.get_by_role("tab", name="Details").click()
    row = page.locator(".config-row[data-name='ida-weekly']")
    expect(row).to_be_visible()
    expect(row).to_contain_text('"days":13')

    row.locator(".config-shared").click()
    expect(row.locator(".config-shared")).to_be_checked()
    assert [c["shared"] for c in mine() if c["id"] == config_id] == [True]

    row.locator(".config-name input").fill("ida-fortnight")
    row.get_by_role("button", name="Rename").click()
    renamed = page.locator(".config-row[data-name='ida-fortnight']")
    expect(renamed).to_be_visible()
    assert [c["name"] for c in mine() if c["id"] == config_id] == ["ida-fortnight"]

    renamed.locator(".config-run").click()
    expect(page.locator("#field-days")).to_have_value("13")
    page.click("#submit-trigger")
    expect(page.locator("#submit-trigger")).to_be_hidden()
    after = httpx.get(runs_url, params={"conf.days": "13"}, headers=headers).json()
    assert after["total"] == before + 1
    conf = after["runs"][0]["conf"]
    assert (conf["region"], conf["days"]) == ("apac", 13)

    page.get_by_role("tab", name="Details").click()
    renamed.locator(".config-delete").click()
    expect(renamed).to_have_count(0)
    assert [c for c in mine() if c["id"] == config_id] == []


def test_an_admin_edits_the_description(page: Page, stack: Stack) -> None:
    headers = api_token(stack, "ida")
    text = "Weekly sales report, owned by the revenue team"
    sign_in(page, stack, "ida")
    page.goto(f"{stack.web}/workflows/flaky_retry")
    page.get_by_role("tab", name="Details").click()
    page.fill("#metadata-description", text)
    page.get_by_role("button", name="Save metadata").click()
    expect(page.locator("#metadata-form")).to_contain_text("Saved.")
    dag = httpx.get(f"{stack.api}/api/orchestrator/dags/flaky_retry", headers=headers).json()
    assert dag["dag"]["product_description"] == dag["dag"]["description"] == text
    page.reload()
    page.get_by_role("tab", name="Details").click()
    expect(page.locator("#metadata-description")).to_have_value(text)


def test_the_dag_page_shows_a_run_started_elsewhere(page: Page, stack: Stack) -> None:
    headers = api_token(stack, "ida")
    runs_url = f"{stack.api}/api/orchestrator/dags/grouped_pipeline/runs"
    sign_in(page, stack, "ida")
    page.goto(f"{stack.web}/workflows/grouped_pipeline")
    page.get_by_role("tab", name="Runs").click()
    before = httpx.get(runs_url, headers=headers).json()["total"]
    expect(page.locator("#runs-total")).to_have_text(f"{before} runs")
    # Started outside this page: it shows up with no reload, at the DAG page's polling pace.
    started = httpx.post(runs_url, json={"conf": {}}, headers=headers, timeout=60)
    assert started.status_code == 201, started.text
    expect(page.locator("#runs-total")).to_have_text(f"{before + 1} runs", timeout=30_000)
    expect(page.locator(".run-row", has_text=started.json()["run_id"])).to_have_count(1)


def test_the_list_filters_by_owner_team(page: Page, stack: Stack) -> None:
    headers = api_token(stack, "ada")
    tagged = httpx.patch(
        f"{stack.api}/api/orchestrator/dags/leaky_logger/metadata",
        json={"owner_team": "observability"},
        headers=headers,
    )
    assert tagged.status_code == 200, tagged.text
    sign_in(page, stack, "ada")
    page.fill("#team", "observability")
    rows = page.locator(".dag-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("leaky_logger")
    page.fill("#team", "")
    expect(rows).not_to_have_count(1)
