"""Alerts in a real browser, against an API that allows webhooks to loopback addresses
(``AIRDECK_ALERTS_ALLOW_PRIVATE_URLS``) and a real webhook receiver on loopback: an admin fills
a rule for a DAG with a failed run and watches the form's preview count it, sees the API's
refusal under the field at fault, saves the rule, sends a test message that reaches the
receiver and the rule's delivery history, mutes and snoozes it, finds the bell on the DAG's
row and page, and deletes it after confirming. A viewer sees the rules but no form or control."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import USERS, Stack, api_token, running_stack, shot, sign_in, web_workdir
from tests.support.airflow_runs import unpause, wait_for_run
from tests.support.ports import free_port
from tests.support.webhooks import Receiver

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

DAG = "flaky_retry"
RULES = "/api/orchestrator/alerts/rules"
PREVIEWED_MS = 60_000
"""The preview waits for the form to rest, then reads 30 days of runs (cold, on a busy
machine)."""


@pytest.fixture(scope="module")
def alerts_stack(airflow: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    data = tmp_path_factory.mktemp("e2e-alerts")
    env = {
        "AIRDECK_AUTH_MODE": "local",
        "AIRDECK_LOCAL_USERS": ",".join(f"{n}:{pw}:{role}" for n, (pw, role) in USERS.items()),
        "REFLEX_WEB_WORKDIR": str(web_workdir("alerts")),
        # The receiver listens on loopback, which webhooks may not reach by default.
        "AIRDECK_ALERTS_ALLOW_PRIVATE_URLS": "true",
    }
    with running_stack(airflow, data, env, free_port(), free_port()) as stack:
        yield stack


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    server = Receiver().start()
    yield server
    server.close()


@pytest.fixture(scope="module")
def failed_run(alerts_stack: Stack, airflow: Any) -> str:
    """A run of the DAG triggered through Airdeck's API, waited for, then marked failed through
    it: no example DAG fails a run by itself (its failure is retried)."""
    unpause(airflow, DAG)
    headers = api_token(alerts_stack, "ida")
    base = f"{alerts_stack.api}/api/orchestrator/dags/{DAG}/runs"
    triggered = httpx.post(base, json={"conf": {}}, headers=headers, timeout=60)
    assert triggered.status_code == 201, triggered.text
    run_id = str(triggered.json()["run_id"])
    wait_for_run(airflow, DAG, run_id)
    marked = httpx.post(
        f"{base}/{quote(run_id, safe='')}/state",
        json={"state": "failed"},
        headers=headers,
        timeout=60,
    )
    assert marked.status_code == 200, marked.text
    assert marked.json()["run"]["state"] == "failed"
    return run_id


def rule_row(page: Page, name: str) -> Any:
    return page.locator(f".alert-rule-row[data-rule-name='{name}']")


def test_an_admin_previews_saves_tests_and_finds_the_bell(
    page: Page, alerts_stack: Stack, receiver: Receiver, failed_run: str
) -> None:
    name = f"Flaky failures {secrets.token_hex(3)}"
    sign_in(page, alerts_stack, "ada")
    page.locator("#nav-alerts").click()
    page.wait_for_url("**/alerts")
    page.locator("#alert-new").click()
    expect(page.locator("#alert-form")).to_be_visible()
    page.fill("#alert-name", name)
    page.fill("#alert-dag-id", DAG)
    page.fill("#alert-url", "ftp://127.0.0.1/hook")
    # The API refuses the URL: its error shows under the field, and nothing is saved.
    page.locator("#alert-save").click()
    expect(page.locator(".field-error[data-field='url']")).to_contain_text("http://")
    expect(page.locator("#alert-form-error")).to_contain_text("Fix the fields")

    page.fill("#alert-url", receiver.url)
    expect(page.locator(".field-error[data-field='url']")).to_have_count(0)
    # The failed run is in the history: the rule would have fired for it at least.
    expect(page.locator("#alert-preview")).to_have_text(
        re.compile(r"^Would have fired (once|[1-9][0-9]* times) in the last 30 days"),
        timeout=PREVIEWED_MS,
    )
    expect(page.locator(".alert-firing").first).to_be_visible()
    shot(page, "alerts-form-preview")
    page.locator("#alert-save").click()
    expect(page.locator("#alert-form")).to_be_hidden()
    expect(page.locator("#alert-notice")).to_contain_text(f"Saved: {name}")
    row = rule_row(page, name)
    expect(row).to_have_attribute("data-status", "active")
    expect(row).to_contain_text(f"dag_id {DAG}")
    expect(row).to_contain_text(f"webhook {receiver.url}")

    row.locator(".alert-test").click()
    expect(page.locator("#alert-notice")).to_contain_text("webhook sent (200 ok)")
    sent = [json.loads(body) for _, body in receiver.received]
    assert any(b["kind"] == "test" and b["rule"]["name"] == name for b in sent), sent
    delivered = page.locator("#alert-history .alert-delivery-row[data-status='sent']")
    expect(delivered).to_have_count(1)
    expect(delivered.locator(".delivery-code")).to_have_text("200")
    expect(delivered).to_contain_text("ok")
    shot(page, "alerts-history")

    row.locator(".alert-mute").click()
    expect(row).to_have_attribute("data-status", "muted")
    row.locator(".alert-mute").click()
    expect(row).to_have_attribute("data-status", "active")
    row.locator(".alert-snooze-hour").click()
    expect(row).to_have_attribute("data-status", "snoozed")

    page.locator("#nav-dags").click()
    page.wait_for_url("**/workflows")
    bell = page.locator(f".dag-row[data-dag-id='{DAG}'] .alert-badge")
    expect(bell).to_be_visible()
    expect(bell).to_have_attribute("aria-label", re.compile(r"alert rules? watch"))
    page.goto(f"{alerts_stack.web}/workflows/{DAG}")
    expect(page.locator("#dag-title")).to_be_visible()
    expect(page.locator(".alert-badge")).to_have_attribute(
        "title", re.compile(r"alert rules? watch(es)? this DAG")
    )

    page.goto(f"{alerts_stack.web}/alerts")
    rule_row(page, name).locator(".alert-delete").click()
    page.locator("#alert-delete-confirm").click()
    expect(page.locator("#alert-notice")).to_contain_text(f"Deleted: {name}")
    expect(rule_row(page, name)).to_have_count(0)


def test_a_viewer_sees_the_rules_but_no_form_or_control(page: Page, alerts_stack: Stack) -> None:
    name = f"Viewer sees {secrets.token_hex(3)}"
    headers = api_token(alerts_stack, "otto")
    body = {
        "name": name,
        "selector": {"dag_id": DAG},
        "conditions": [{"kind": "run_failed"}],
        "channels": [{"kind": "email", "to": ["oncall@example.com"]}],
    }
    made = httpx.post(f"{alerts_stack.api}{RULES}", json=body, headers=headers, timeout=60)
    assert made.status_code == 201, made.text
    try:
        sign_in(page, alerts_stack, "vera")
        page.goto(f"{alerts_stack.web}/alerts")
        row = rule_row(page, name)
        expect(row).to_be_visible()
        expect(row.locator(".alert-history-button")).to_be_visible()
        expect(page.locator("#alert-new")).to_have_count(0)
        expect(page.locator("#alert-form")).to_have_count(0)
        for control in ("mute", "snooze-hour", "test", "edit", "delete"):
            expect(row.locator(f".alert-{control}")).to_have_count(0)
    finally:
        rule_id = made.json()["id"]
        httpx.delete(f"{alerts_stack.api}{RULES}/{rule_id}", headers=headers, timeout=60)
