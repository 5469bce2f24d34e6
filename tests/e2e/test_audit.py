"""The audit page in a real browser: an admin filters the log, pages through it and exports
it as CSV; a viewer has no link to it and is told why when they go there anyway."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, api_token, shot, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

P = "/api/orchestrator"


def test_an_admin_filters_and_exports_the_audit_log(page: Page, stack: Stack) -> None:
    headers = api_token(stack, "ada")
    for method in ("POST", "DELETE", "POST", "DELETE"):
        done = httpx.request(method, f"{stack.api}{P}/dags/etl_pipeline/favorite", headers=headers)
        assert done.status_code in (200, 201, 204), done.text

    sign_in(page, stack, "ada")
    page.click("#nav-audit")
    page.wait_for_url("**/audit")
    everything = httpx.get(f"{stack.api}{P}/audit", params={"limit": 50}, headers=headers).json()
    expect(page.locator(".audit-row")).to_have_count(len(everything["entries"]))
    expect(page.locator("#audit-total")).to_have_text(f"{everything['total']} entries")

    page.fill("#audit-user", "ada")
    page.fill("#audit-action", "unfavorite")
    page.click("#audit-filter")
    wanted = httpx.get(
        f"{stack.api}{P}/audit",
        params={"user": "ada", "action": "unfavorite", "limit": 50},
        headers=headers,
    ).json()
    assert wanted["total"] >= 2
    rows = page.locator(".audit-row")
    expect(rows).to_have_count(min(50, wanted["total"]))
    expect(rows.first).to_contain_text("unfavorite")
    expect(rows.first).to_contain_text("etl_pipeline")
    expect(rows.first).to_have_attribute("data-outcome", "success")
    shot(page, "audit")

    with page.expect_download() as downloading:
        page.click("#audit-export")
    saved = Path(downloading.value.path())
    exported = list(csv.DictReader(io.StringIO(saved.read_text())))
    assert len(exported) == wanted["total"]
    assert {(r["user"], r["action"]) for r in exported} == {("ada", "unfavorite")}
    assert exported[0]["id"] == wanted["entries"][0]["id"]


def test_a_viewer_has_no_audit_page(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "vera")
    expect(page.locator("#nav-calendar")).to_be_visible()
    expect(page.locator("#nav-audit")).to_have_count(0)
    page.goto(f"{stack.web}/audit")
    expect(page.locator("#audit-error")).to_contain_text("audit:read")
    expect(page.locator(".audit-row")).to_have_count(0)
