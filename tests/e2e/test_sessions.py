"""A person keeps working across the end of their token's life: an API whose local tokens live
60 s, and the web asking for the password again over the page they are on."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import (
    USERS,
    Stack,
    requests_since,
    running_stack,
    shot,
    sign_in,
    web_workdir,
)
from tests.support.airflow_runs import ensure_run
from tests.support.ports import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.runs_last]

TOKEN_TTL = 60
API_LEEWAY = 30
"""The API accepts a token this long past its expiry (clock skew): only then is it dead."""
DAG = "mapped_fanout"
RUN_ID = "manual__mapped+airdeck:120"
"""A finished run the overview test also uses (reused, not triggered again)."""


@pytest.fixture(scope="module")
def short_stack(airflow: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    env = {
        "AIRDECK_AUTH_MODE": "local",
        "AIRDECK_LOCAL_USERS": ",".join(f"{n}:{pw}:{role}" for n, (pw, role) in USERS.items()),
        "AIRDECK_LOCAL_TOKEN_TTL": str(TOKEN_TTL),
        "REFLEX_WEB_WORKDIR": str(web_workdir("sessions")),
    }
    data = tmp_path_factory.mktemp("e2e-sessions")
    with running_stack(airflow, data, env, free_port(), free_port()) as stack:
        yield stack


def test_the_password_again_keeps_the_page_past_the_token_expiry(
    page: Page, short_stack: Stack, airflow: Any
) -> None:
    assert ensure_run(airflow, DAG, RUN_ID) == "success"
    signed_in_at = time.time()
    sign_in(page, short_stack, "otto")
    page.goto(f"{short_stack.web}/workflows/{DAG}")
    expect(page.locator("#dag-id")).to_have_text(DAG)
    page.get_by_role("tab", name="Runs").click()
    page.get_by_role("combobox").click()
    page.get_by_role("option", name="success").click()
    dag_url = page.url

    dialog = page.locator("#session-dialog")
    expect(dialog).to_be_visible(timeout=(TOKEN_TTL + API_LEEWAY) * 1000)
    expect(dialog).to_contain_text("Your session has expired")
    # Past the token's last accepted second: whatever the page asks now needs the new one.
    time.sleep(max(0.0, signed_in_at + TOKEN_TTL + API_LEEWAY + 2 - time.time()))
    shot(page, "session-expired")

    page.fill("#session-password", "not otto's password")
    page.click("#session-renew")
    expect(page.locator("#session-error")).to_contain_text("Wrong username or password")
    expect(dialog).to_be_visible()

    offset = short_stack.api_log.stat().st_size
    page.fill("#session-password", USERS["otto"][0])
    page.click("#session-renew")
    expect(dialog).to_be_hidden()

    # The same page, as it was left: no sign-in page in between, the tab and filter kept.
    assert page.url == dag_url
    expect(page.get_by_role("tab", name="Runs")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("combobox")).to_contain_text("success")
    # Each answer shows only when the API took the new token: the run goes, then comes back.
    page.get_by_role("combobox").click()
    page.get_by_role("option", name="queued").click()
    expect(page.locator("#runs-empty")).to_be_visible()
    page.get_by_role("combobox").click()
    page.get_by_role("option", name="success").click()
    expect(page.locator(".run-link", has_text=RUN_ID)).to_be_visible()
    runs = f"/api/orchestrator/dags/{DAG}/runs"
    done = requests_since(short_stack.api_log, offset)
    assert ("POST", "/api/auth/token", 200) in done
    asked = [(path, status) for method, path, status in done if path.startswith(runs)]
    assert asked and all(status == 200 for _, status in asked), done
