"""A person signed in at an OpenID provider keeps working across the end of their access token's
life (60 s at this provider): the web renews it with the refresh token the provider issued, with
no new sign-in; without a refresh token, silently at the provider in a hidden frame; and when the
provider no longer knows the person, it asks for a sign-in there that comes back to the same
page."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import Stack, requests_since, running_stack, shot, web_workdir
from tests.support.airflow_runs import ensure_run
from tests.support.oidc import OidcProvider, WebClient, running_provider
from tests.support.ports import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.integration, pytest.mark.runs_last, pytest.mark.beside]

AUDIENCE = "https://airdeck.test/api"
CLIENT_ID = "airdeck-web"
USER_ROLES = {"olivia": ["airdeck-operators"], "nora": ["airdeck-operators"]}
ROLE_MAP = {"airdeck-operators": "operator"}
NO_REFRESH = "nora"
"""The one account the provider gives no refresh token."""
TOKEN_TTL = 60
API_LEEWAY = 30
"""The API accepts a token this long past its expiry (clock skew): only then is it dead."""
DAG = "mapped_fanout"
RUN_ID = "manual__mapped+airdeck:120"
"""A finished run the overview and session tests also use (reused, not triggered again)."""


@dataclass(frozen=True)
class RefreshStack:
    web: Stack
    provider: OidcProvider


@pytest.fixture(scope="module")
def refresh_stack(airflow: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RefreshStack]:
    api_port, web_port = free_port(), free_port()
    web = f"http://127.0.0.1:{web_port}"
    client = WebClient(CLIENT_ID, f"{web}/auth/callback", f"{web}/", f"{web}/silent-renewal.html")
    data = tmp_path_factory.mktemp("e2e-oidc-refresh")
    with running_provider(
        AUDIENCE,
        {},
        USER_ROLES,
        client,
        access_token_ttl=TOKEN_TTL,
        no_refresh_accounts=[NO_REFRESH],
        log=data / "provider.log",
    ) as provider:
        env = {
            "AIRDECK_AUTH_MODE": "oidc",
            "AIRDECK_OIDC_ISSUER": provider.issuer,
            "AIRDECK_OIDC_AUDIENCE": AUDIENCE,
            "AIRDECK_OIDC_ROLE_CLAIM": "roles",
            "AIRDECK_OIDC_ROLE_MAP": json.dumps(ROLE_MAP),
            "AIRDECK_OIDC_CLIENT_ID": CLIENT_ID,
            "AIRDECK_OIDC_PROVIDER_NAME": "Test IdP",
            "AIRDECK_WEB_URL": web,
            "REFLEX_WEB_WORKDIR": str(web_workdir("oidc-refresh")),
        }
        with running_stack(airflow, data, env, api_port, web_port) as stack:
            yield RefreshStack(web=stack, provider=provider)


def _sign_in_at_provider(page: Page, stack: RefreshStack, login: str) -> None:
    page.goto(stack.web.web + "/")
    page.locator("#sign-in-with-provider").click()
    page.wait_for_url(stack.provider.issuer + "/interaction/**")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password: the development pages accept any")
    page.click("button[type=submit]")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(stack.web.web + "/workflows")
    expect(page.locator("#whoami")).to_contain_text(login)


def _open_runs(page: Page, stack: RefreshStack) -> None:
    """The DAG's page, its Runs tab, and the finished run in it: each asked of the API."""
    page.goto(f"{stack.web.web}/workflows/{DAG}")
    expect(page.locator("#dag-id")).to_have_text(DAG)
    page.get_by_role("tab", name="Runs").click()
    expect(page.locator(".run-link", has_text=RUN_ID)).to_be_visible()


def _each_code_traded(
    page: Page, stack: RefreshStack, issued_before: int, silent_answers: list[str]
) -> None:
    """Wait until the web has traded the sign-in's code and each code a silent renewal brought
    for tokens, and nothing else (10 s at most): a renewal's code reaches the hidden frame
    before the web trades it. The page's own clock, not a sleep, lets Playwright record any
    renewal frame that loads meanwhile."""
    deadline = time.monotonic() + 10
    while (issued := stack.provider.grant_types()[issued_before:]) != ["authorization_code"] * (
        1 + len(silent_answers)
    ):
        assert time.monotonic() < deadline, (issued, silent_answers)
        page.wait_for_timeout(200)


def _wait_until_dead(signed_in_at: float) -> None:
    """Past the first access token's last accepted second: whatever the page asks now needs a
    new one."""
    time.sleep(max(0.0, signed_in_at + TOKEN_TTL + API_LEEWAY + 2 - time.time()))


def test_a_refresh_token_keeps_the_person_working_past_the_expiry(
    page: Page, refresh_stack: RefreshStack, airflow: Any
) -> None:
    assert ensure_run(airflow, DAG, RUN_ID) == "success"
    issued_before = len(refresh_stack.provider.grant_types())
    signed_in_at = time.time()
    _sign_in_at_provider(page, refresh_stack, "olivia")
    _open_runs(page, refresh_stack)
    _wait_until_dead(signed_in_at)

    offset = refresh_stack.web.api_log.stat().st_size
    _open_runs(page, refresh_stack)
    expect(page.locator("#whoami")).to_contain_text("olivia")
    expect(page.locator("#session-dialog")).to_have_count(0)
    shot(page, "oidc-refreshed")
    # No new sign-in: the provider only renewed the token, with the refresh token.
    issued = refresh_stack.provider.grant_types()[issued_before:]
    assert issued[0] == "authorization_code", issued
    assert issued[1:] and set(issued[1:]) == {"refresh_token"}, issued
    runs = f"/api/orchestrator/dags/{DAG}/runs"
    done = requests_since(refresh_stack.web.api_log, offset)
    asked = [(path, status) for _, path, status in done if path.startswith(runs)]
    assert asked and all(status == 200 for _, status in asked), done
    assert not [request for request in done if request[2] == 401], done


def test_without_a_refresh_token_the_provider_renews_it_silently(
    page: Page, refresh_stack: RefreshStack, airflow: Any
) -> None:
    assert ensure_run(airflow, DAG, RUN_ID) == "success"
    issued_before = len(refresh_stack.provider.grant_types())
    silent_answers: list[str] = []
    page.on(
        "request",
        lambda request: (
            silent_answers.append(request.url) if "/silent-renewal.html?" in request.url else None
        ),
    )
    signed_in_at = time.time()
    _sign_in_at_provider(page, refresh_stack, NO_REFRESH)
    _open_runs(page, refresh_stack)
    dag_url = page.url
    _wait_until_dead(signed_in_at)
    # A renewal falls due about now (each 45 s): reloading the page while its code is on the
    # way would drop that code (the next page renews again), which the count below would miss.
    _each_code_traded(page, refresh_stack, issued_before, silent_answers)

    offset = refresh_stack.web.api_log.stat().st_size
    _open_runs(page, refresh_stack)
    assert page.url == dag_url
    expect(page.locator("#whoami")).to_contain_text(NO_REFRESH)
    expect(page.locator("#session-dialog")).to_have_count(0)
    # The provider answered in the hidden frame with a code, which the web traded for tokens:
    # the sign-in's code, then one per renewal (one each 45 s of a 60 s token).
    assert silent_answers and all("code=" in url for url in silent_answers), silent_answers
    _each_code_traded(page, refresh_stack, issued_before, silent_answers)
    # The API writes its access line once the answer is sent: the page can show it first.
    deadline = time.monotonic() + 10
    while not (done := requests_since(refresh_stack.web.api_log, offset)):
        assert time.monotonic() < deadline, "the API logged none of the page's requests"
        time.sleep(0.2)
    assert not [request for request in done if request[2] == 401], done


def test_once_the_provider_forgets_the_person_a_sign_in_returns_to_the_same_page(
    page: Page, refresh_stack: RefreshStack, airflow: Any
) -> None:
    assert ensure_run(airflow, DAG, RUN_ID) == "success"
    issued_before = len(refresh_stack.provider.grant_types())
    _sign_in_at_provider(page, refresh_stack, NO_REFRESH)
    _open_runs(page, refresh_stack)
    dag_url = page.url
    # The provider's session cookie gone, a silent renewal is answered "login_required".
    page.context.clear_cookies()

    dialog = page.locator("#session-dialog")
    expect(dialog).to_be_visible(timeout=(TOKEN_TTL + API_LEEWAY) * 1000)
    expect(dialog).to_contain_text("Sign in at Test IdP again to come back to this page")
    shot(page, "oidc-session-expired")
    page.click("#session-sign-in-with-provider")
    page.wait_for_url(refresh_stack.provider.issuer + "/interaction/**")
    page.fill("input[name=login]", NO_REFRESH)
    page.fill("input[name=password]", "any password: the development pages accept any")
    page.click("button[type=submit]")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(dag_url)
    expect(page.locator("#whoami")).to_contain_text(NO_REFRESH)
    expect(page.locator("#dag-id")).to_have_text(DAG)
    expect(dialog).to_have_count(0)
    issued = refresh_stack.provider.grant_types()[issued_before:]
    assert issued == ["authorization_code", "authorization_code"], issued
