"""The Connectors page in a real browser against the real stack: an admin builds a connector of
the example service's paginated people with the guided form, sees the API's per-field errors
under their fields, a failing source's reason and then the first mapped rows of a test call,
saves it, sees it pending in Airflow and then linked to its DAG, triggers it and sees its first
run succeed; a viewer sees the list but no form; deleting it leaves the shared Airflow
clean."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import (
    USERS,
    Stack,
    api_token,
    running_stack,
    shot,
    sign_in,
    web_workdir,
)
from tests.support.accessibility import blocking_violations
from tests.support.airflow_runs import client as airflow_client
from tests.support.ports import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.runs_last]
CONNECTORS = "/api/orchestrator/connectors"
BUILT_MS = 180_000
"""How long the DAG processor may take to build or drop a connector's DAG (its folder is parsed
every 30 s), in Playwright's milliseconds."""
RUN_MS = 240_000


@pytest.fixture(scope="module")
def example_url(airflow: Any) -> str:
    """The example service dev/airflow/start.sh runs beside the test Airflow (its port + 10)."""
    port = urlsplit(airflow.url).port
    assert port is not None
    return f"http://127.0.0.1:{port + 10}"


@pytest.fixture(scope="module")
def connector_stack(airflow: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack whose API writes connector specs where the test Airflow's DAG factory reads
    them and may call the example service on loopback, with a product DB connection of its own
    in Airflow (removed afterwards, with every connector left behind)."""
    conn_id = f"airdeck_product_db_{uuid.uuid4().hex[:8]}"
    env = {
        "AIRDECK_AUTH_MODE": "local",
        "AIRDECK_LOCAL_USERS": ",".join(f"{n}:{pw}:{role}" for n, (pw, role) in USERS.items()),
        "REFLEX_WEB_WORKDIR": str(web_workdir("connectors")),
        "AIRDECK_CONNECTORS_DIR": str(airflow.connectors_dir),
        "AIRDECK_CONNECTORS_ALLOWED_HOSTS": "127.0.0.1",
        "AIRDECK_CONNECTORS_PRODUCT_CONN_ID": conn_id,
    }
    data = tmp_path_factory.mktemp("e2e-connectors")
    with running_stack(airflow, data, env, free_port(), free_port()) as stack:
        try:
            yield stack
        finally:
            headers = api_token(stack, "ada")
            listed = httpx.get(
                f"{stack.api}{CONNECTORS}", params={"limit": 100}, headers=headers, timeout=60
            )
            for connector in listed.json()["connectors"]:
                httpx.delete(
                    f"{stack.api}{CONNECTORS}/{connector['id']}", headers=headers, timeout=60
                )
            airflow_client(airflow).delete(f"/connections/{conn_id}")


def choose(page: Page, trigger: Locator, option: str) -> None:
    """Pick ``option`` of a Radix select."""
    trigger.click()
    page.get_by_role("option", name=option, exact=True).click()


def fill_pair(rows: Locator, index: int, what: str, name: str, value: str) -> None:
    rows.nth(index).get_by_label(f"{what} name").fill(name)
    rows.nth(index).get_by_label(f"{what} value").fill(value)


def fill_field(
    page: Page, rows: Locator, index: int, path: str, column: str, kind: str, default: str = ""
) -> None:
    row = rows.nth(index)
    row.get_by_label("Path in the answer").fill(path)
    row.get_by_label("Column").fill(column)
    if kind != "string":
        choose(page, row.get_by_role("combobox", name="Type"), kind)
    if default:
        row.get_by_label("Default").fill(default)


def test_an_admin_builds_tests_runs_and_deletes_a_connector(
    page: Page, browser: Browser, connector_stack: Stack, example_url: str, airflow: Any
) -> None:
    slug = f"ui_people_{uuid.uuid4().hex[:8]}"
    name = f"People {slug}"
    sign_in(page, connector_stack, "ada")
    page.click("#nav-connectors")
    page.wait_for_url("**/connectors")
    page.click("#connector-new")
    form = page.locator("#connector-form")
    expect(form).to_be_visible()

    page.fill("#connector-name", name)
    page.fill("#connector-slug", slug)
    page.fill("#connector-source-url", f"{example_url}/people")
    params = form.locator(".params-row")
    fill_pair(params, 0, "Parameter", "per_page", "10")
    page.click("#connector-add-secrets")
    fill_pair(form.locator(".secrets-row"), 0, "Secret", "token", "s3cr3t-ui-token")
    fill_pair(form.locator(".headers-row"), 0, "Header", "X-Token", "{{ secrets.token }}")
    choose(page, page.locator("#connector-source-pagination-kind"), "Page numbers")
    page.fill("#connector-source-pagination-size", "10")
    fields = form.locator(".mapping-row")
    fill_field(page, fields, 0, "data[*].id", "id", "int")
    page.click("#connector-add-field")
    fill_field(page, fields, 1, "data[*]..email", "email", "string")
    page.click("#connector-add-field")
    fill_field(page, fields, 2, "data[*].nickname", "nickname", "string", "none")
    page.fill("#connector-destination-table", slug)
    choose(page, page.locator("#connector-destination-mode"), "upsert")
    page.fill("#connector-destination-key", "id")
    page.fill("#connector-schedule-cron", "every minute")
    page.fill("#connector-schedule-timezone", "Europe/Paris")

    # The API's 400 shows under the field and on the mapping row it names; nothing is saved.
    page.click("#connector-save")
    expect(form.locator(".field-error[data-field='schedule.cron']")).to_contain_text(
        "not a cron expression"
    )
    expect(fields.nth(1).locator(".field-error")).to_contain_text("path: ")
    expect(fields.nth(0).locator(".field-error")).to_have_count(0)
    expect(page.locator("#connector-form-error")).to_contain_text("marked in red")
    shot(page, "connector-form-errors")
    page.fill("#connector-schedule-cron", "0 0 1 1 *")
    fields.nth(1).get_by_label("Path in the answer").fill("data[*].user.email")
    expect(form.locator(".field-error")).to_have_count(0)

    # A failing source says why, plainly.
    page.click("#connector-add-params")
    fill_pair(params, 1, "Parameter", "fail", "500")
    page.click("#connector-test")
    expect(page.locator("#connector-preview-line")).to_contain_text("answered 503, expected 200")
    expect(form.locator(".preview-row")).to_have_count(0)
    shot(page, "connector-test-call-failed")
    params.nth(1).get_by_role("button", name="Remove this parameter").click()
    expect(params).to_have_count(1)

    page.click("#connector-test")
    expect(page.locator("#connector-preview-line")).to_contain_text("20 rows from 3 pages")
    preview = form.locator(".preview-row")
    expect(preview).to_have_count(20)
    expect(preview.first).to_contain_text("person1@example.com")
    expect(preview.first).to_contain_text("none")
    expect(page.locator("#connector-preview")).not_to_contain_text("s3cr3t")
    shot(page, "connector-test-call")
    found = blocking_violations(page)
    assert found == [], f"the connector form: {found}"

    page.click("#connector-save")
    expect(form).to_be_hidden()
    expect(page.locator("#connector-notice")).to_contain_text(f"Saved: {name}")
    row = page.locator(f".connector-row[data-connector-name='{name}']")
    expect(row).to_contain_text("0 0 1 1 * (Europe/Paris)")
    expect(row).to_contain_text(f"GET {example_url}/people")
    expect(row).to_contain_text(f"product DB connector_{slug} · upsert on id")
    expect(row.locator(".connector-active")).to_be_visible()
    # Pending until the DAG processor has built it (the page reads the list again meanwhile);
    # then its DAG's link.
    link = row.locator(".connector-dag-link")
    expect(row.locator(".connector-pending")).to_have_text("pending in Airflow")
    shot(page, "connectors-pending")
    expect(link).to_have_text(f"connector_{slug}", timeout=BUILT_MS)
    expect(row.locator(".connector-pending")).to_have_count(0)
    shot(page, "connectors-in-airflow")
    found = blocking_violations(page)
    assert found == [], f"the connectors list: {found}"

    # A viewer sees the list but no form and no controls.
    viewer = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        other = viewer.new_page()
        other.set_default_timeout(30_000)
        sign_in(other, connector_stack, "vera")
        other.goto(connector_stack.web + "/connectors")
        expect(other.locator(f".connector-row[data-connector-name='{name}']")).to_be_visible()
        expect(other.locator("#connector-new")).to_have_count(0)
        expect(other.locator(".connector-edit")).to_have_count(0)
        expect(other.locator(".connector-delete")).to_have_count(0)
        expect(other.locator("#connector-form")).to_have_count(0)
    finally:
        viewer.close()

    # Triggered from its DAG's page, its first run succeeds.
    link.click()
    page.wait_for_url(re.compile(rf"/workflows/connector_{slug}\?deployment="))
    page.click("#open-trigger")
    page.click("#submit-trigger")
    expect(page.locator("#submit-trigger")).to_be_hidden()
    page.get_by_role("tab", name="Runs").click()
    expect(page.locator(".run-row .state-badge").first).to_have_text("success", timeout=RUN_MS)
    shot(page, "connector-first-run")
    page.click("#nav-connectors")
    expect(row.locator(".connector-run .state-badge").first).to_have_text("success")
    headers = api_token(connector_stack, "ada")
    rows = httpx.get(
        f"{connector_stack.api}/api/orchestrator/dags/connector_{slug}/runs",
        headers=headers,
        timeout=60,
    ).json()["runs"]
    assert "success" in {r["state"] for r in rows}, rows

    # Edited: the form opens on what is stored (the secret's value never comes back).
    row.locator(".connector-edit").click()
    expect(form).to_be_visible()
    expect(page.locator("#connector-source-url")).to_have_value(f"{example_url}/people")
    expect(page.locator("#connector-slug")).to_be_disabled()
    expect(fields).to_have_count(3)
    expect(fields.nth(2).get_by_label("Default")).to_have_value("none")
    secrets = form.locator(".secrets-row")
    expect(secrets.first.get_by_label("Secret name")).to_have_value("token")
    expect(secrets.first.get_by_label("Secret value")).to_have_value("")
    page.fill("#connector-schedule-timezone", "UTC")
    page.click("#connector-save")
    expect(form).to_be_hidden()
    expect(row).to_contain_text("0 0 1 1 * (UTC)")

    # Pause and delete, each asked first.
    row.locator(".connector-pause").click()
    page.click("#connector-pause-confirm")
    expect(row.locator(".connector-paused")).to_be_visible()
    row.locator(".connector-delete").click()
    expect(page.get_by_role("alertdialog")).to_contain_text(f"Delete connector {name}?")
    page.click("#connector-delete-confirm")
    expect(page.locator("#connector-notice")).to_contain_text(f"Deleted: {name}")
    expect(row).to_have_count(0)
    listed = httpx.get(f"{connector_stack.api}{CONNECTORS}", headers=headers, timeout=60)
    assert slug not in {c["slug"] for c in listed.json()["connectors"]}
    assert airflow_client(airflow).get(f"/dags/connector_{slug}").status_code == 404
