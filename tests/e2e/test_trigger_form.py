"""The trigger form drawn from a DAG's params schema, in a real browser against the real stack
(examples/dags/typed_params.py): each param's widget, values sent with their JSON types, raw
JSON in sync with the form, and bounds checked before anything is sent."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, api_token, shot, sign_in
from tests.support.airflow_runs import get_run, unpause

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

DAG_ID = "typed_params"


def open_form(page: Page, stack: Stack, user: str) -> None:
    sign_in(page, stack, user)
    page.goto(f"{stack.web}/workflows/{DAG_ID}")
    page.click("#open-trigger")
    expect(page.locator("#field-batch_size")).to_have_value("100")


def runs_url(stack: Stack) -> str:
    return f"{stack.api}/api/orchestrator/dags/{DAG_ID}/runs"


def raw_conf(page: Page) -> dict[str, Any]:
    conf: dict[str, Any] = json.loads(page.locator("#raw-conf").input_value())
    return conf


def test_a_trigger_sends_each_param_with_its_json_type(
    page: Page, stack: Stack, airflow: Any
) -> None:
    unpause(airflow, DAG_ID)  # the run goes on to log what it got, rather than wait queued
    label = f"typed-{uuid.uuid4().hex[:8]}"
    open_form(page, stack, "otto")
    # Defaults read as JSON, not as Python's str() of them.
    options = json.loads(page.locator("#field-options").input_value())
    assert options == {"compress": True, "retries": 2}
    expect(page.locator(".field-default", has_text='"compress": true')).to_have_count(1)
    expect(page.locator("#field-dry_run")).not_to_be_checked()
    expect(page.locator("#field-batch_size")).to_have_attribute("max", "1000")

    page.click("#field-dry_run")
    expect(page.locator("#field-dry_run")).to_be_checked()
    regions = page.locator("#field-regions")
    expect(regions.get_by_role("checkbox", name="eu")).to_be_checked()
    regions.get_by_role("checkbox", name="apac").click()
    expect(regions.get_by_role("checkbox", name="apac")).to_be_checked()
    page.fill("#field-batch_size", "250")
    page.fill("#field-sample_rate", "0.25")
    page.fill("#field-since", "2025-06-30")
    page.fill("#field-not_before", "2025-07-01T08:15")
    page.fill("#field-cutoff", "18:30:00")
    page.fill("#field-columns", '["id", "amount", "region"]')
    page.fill("#field-options", '{"compress": false, "retries": 4}')
    page.fill("#field-label", label)
    expect(page.locator(".field-error")).to_have_count(0)
    shot(page, "trigger-typed-form")
    page.click("#submit-trigger")
    expect(page.locator("#submit-trigger")).to_be_hidden()

    found = httpx.get(
        runs_url(stack), params={"conf.label": label}, headers=api_token(stack, "otto")
    ).json()
    assert len(found["runs"]) == 1, found
    run = get_run(airflow, DAG_ID, found["runs"][0]["run_id"])
    assert run is not None
    # What Airflow holds: booleans, numbers, arrays and objects, not their text.
    assert run["conf"] == {
        "dry_run": True,
        "batch_size": 250,
        "sample_rate": 0.25,
        "since": "2025-06-30",
        "not_before": "2025-07-01T08:15:00+00:00",
        "cutoff": "18:30:00",
        "regions": ["eu", "apac"],
        "columns": ["id", "amount", "region"],
        "options": {"compress": False, "retries": 4},
        "label": label,
    }
    assert isinstance(run["conf"]["batch_size"], int)


def test_raw_json_and_the_form_show_the_same_conf(page: Page, stack: Stack) -> None:
    open_form(page, stack, "ada")
    page.click("#field-dry_run")
    page.locator("#field-regions").get_by_role("checkbox", name="apac").click()
    expect(page.locator("#field-regions").get_by_role("checkbox", name="apac")).to_be_checked()
    # A nullable param is cleared back to null, a picker's value included.
    page.fill("#field-not_before", "2025-07-01T08:15")
    expect(page.locator("#field-not_before")).to_have_value("2025-07-01T08:15")
    page.get_by_role("button", name="Clear Not before").click()
    expect(page.locator("#field-not_before")).to_have_value("")

    page.click("#raw-mode")
    expect(page.locator("#raw-conf")).to_be_visible()
    conf = raw_conf(page)
    assert (conf["dry_run"], conf["regions"], conf["batch_size"]) == (True, ["eu", "apac"], 100)
    assert (conf["options"], conf["label"]) == ({"compress": True, "retries": 2}, None)
    assert conf["not_before"] is None

    # JSON the params refuse is named as it is typed, and keeps the dialog on raw JSON.
    page.fill("#raw-conf", json.dumps({**conf, "batch_size": 5000}))
    expect(page.locator("#raw-error")).to_contain_text("batch_size")
    expect(page.locator("#raw-error")).to_contain_text("1000")
    page.click("#raw-mode")
    expect(page.locator("#raw-conf")).to_be_visible()
    expect(page.locator("#raw-error")).to_contain_text("does not fit the params")

    edited = {
        **conf,
        "dry_run": False,
        "batch_size": 640,
        "regions": ["us"],
        "options": {"retries": 5},
        "cutoff": "06:45:30",
    }
    page.fill("#raw-conf", json.dumps(edited))
    expect(page.locator("#raw-error")).to_have_count(0)
    page.click("#raw-mode")
    expect(page.locator("#field-batch_size")).to_have_value("640")
    expect(page.locator("#field-dry_run")).not_to_be_checked()
    regions = page.locator("#field-regions")
    expect(regions.get_by_role("checkbox", name="us")).to_be_checked()
    expect(regions.get_by_role("checkbox", name="eu")).not_to_be_checked()
    expect(page.locator("#field-cutoff")).to_have_value("06:45:30")
    assert json.loads(page.locator("#field-options").input_value()) == {"retries": 5}
    shot(page, "trigger-from-raw")

    page.click("#raw-mode")
    expect(page.locator("#raw-conf")).to_be_visible()
    assert raw_conf(page) == edited


def test_an_out_of_bounds_number_is_shown_inline_and_nothing_is_triggered(
    page: Page, stack: Stack
) -> None:
    headers = api_token(stack, "otto")
    before = httpx.get(runs_url(stack), headers=headers).json()["total"]
    open_form(page, stack, "otto")
    page.fill("#field-batch_size", "5000")
    expect(page.locator("#error-batch_size")).to_contain_text("1000")
    page.fill("#field-options", '{"retries": ')
    expect(page.locator("#error-options")).to_contain_text("not valid JSON")
    page.click("#submit-trigger")
    expect(page.locator("#trigger-error")).to_contain_text("nothing was triggered")
    expect(page.locator("#error-batch_size")).to_contain_text("1000")
    shot(page, "trigger-typed-invalid")
    assert httpx.get(runs_url(stack), headers=headers).json()["total"] == before
