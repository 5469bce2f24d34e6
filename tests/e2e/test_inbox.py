"""The required-actions inbox in a real browser: a run of approval_flow waits for a person; the
header counts it, the inbox lists it, the person approves it, then fills its form (refused per
field first), and the run pays out. A viewer, who may not answer, sees no inbox in the header."""

from __future__ import annotations

import re
import secrets
from contextlib import suppress
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, sign_in
from tests.support.airflow_runs import task_instance, trigger_run, wait_for_run, wait_for_task_state

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

DAG = "approval_flow"
WAITING = {"awaiting_input", "deferred"}
ANSWERED_WITHIN_MS = 60_000
"""A response to a fresh request is held until it is 10 s old (ADR 0025), on a busy machine."""


def open_when_listed(page: Page, stack: Stack, airflow: Any, run_id: str, task_id: str) -> None:
    """Once the task waits, open /inbox until it lists the request (the API re-reads Airflow's
    requests every few seconds), then the request's dialog."""
    wait_for_task_state(airflow, DAG, run_id, task_id, WAITING, 300)
    row = page.locator(f".inbox-row[data-run-id='{run_id}'][data-task-id='{task_id}']")
    for _ in range(20):
        page.goto(f"{stack.web}/inbox")
        with suppress(AssertionError):
            expect(row).to_be_visible(timeout=3000)
            break
    row.locator(".inbox-open").click()
    expect(page.locator("#inbox-dialog")).to_be_visible()


def test_a_person_approves_then_fills_the_form_and_the_run_pays_out(
    page: Page, stack: Stack, airflow: Any
) -> None:
    run_id = trigger_run(airflow, DAG, f"manual__inbox+{secrets.token_hex(4)}")
    sign_in(page, stack, "rita")
    open_when_listed(page, stack, airflow, run_id, "approve_payout")
    expect(page.locator("#inbox-count")).to_have_text(re.compile(r"^[1-9][0-9]*$"))
    expect(page.locator("#inbox-dialog")).to_contain_text(f"Approve the payout of run {run_id}?")
    page.locator(".inbox-option[data-option='Approve']").click()
    expect(page.locator("#inbox-dialog")).to_be_hidden(timeout=ANSWERED_WITHIN_MS)
    expect(page.locator("#inbox-notice")).to_be_visible()

    open_when_listed(page, stack, airflow, run_id, "payout_details")
    page.fill("#field-amount", "0")
    expect(page.locator("#error-amount")).to_be_visible()
    page.locator("#inbox-submit").click()
    expect(page.locator("#inbox-error")).to_contain_text("Fix the fields")
    page.fill("#field-amount", "250")
    expect(page.locator("#error-amount")).to_be_hidden()
    page.locator("#inbox-submit").click()
    expect(page.locator("#inbox-dialog")).to_be_hidden(timeout=ANSWERED_WITHIN_MS)

    assert wait_for_run(airflow, DAG, run_id) == "success"
    paid = task_instance(airflow, DAG, run_id, "pay_out")
    assert paid is not None and paid["state"] == "success"


def test_a_viewer_sees_no_inbox_in_the_header(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "vera")
    expect(page.locator("#whoami")).to_contain_text("vera")
    expect(page.locator("#nav-dags")).to_be_visible()
    expect(page.locator("#nav-inbox")).to_have_count(0)
