"""Signing in at a real OpenID provider and back, in a real browser: the API and the web UI in
OIDC mode, the provider's own login and consent pages, and no token in any URL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, WebSocket, expect

from tests.e2e.conftest import running_stack, shot, web_workdir
from tests.support.oidc import OidcProvider, WebClient, running_provider
from tests.support.ports import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.integration]

AUDIENCE = "https://airdeck.test/api"
CLIENT_ID = "airdeck-web"
USER_ROLES = {"olivia": ["airdeck-operators"], "victor": ["airdeck-viewers"]}
ROLE_MAP = {"airdeck-operators": "operator", "airdeck-viewers": "viewer"}
JWT_LIKE = re.compile(r"eyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*")


@dataclass(frozen=True)
class OidcStack:
    web: str
    provider: OidcProvider


@pytest.fixture(scope="module")
def oidc_stack(airflow: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OidcStack]:
    api_port, web_port = free_port(), free_port()
    web = f"http://127.0.0.1:{web_port}"
    client = WebClient(CLIENT_ID, f"{web}/auth/callback", f"{web}/")
    with running_provider(AUDIENCE, {}, USER_ROLES, client) as provider:
        env = {
            "AIRDECK_AUTH_MODE": "oidc",
            "AIRDECK_OIDC_ISSUER": provider.issuer,
            "AIRDECK_OIDC_AUDIENCE": AUDIENCE,
            "AIRDECK_OIDC_ROLE_CLAIM": "roles",
            "AIRDECK_OIDC_ROLE_MAP": json.dumps(ROLE_MAP),
            "AIRDECK_OIDC_CLIENT_ID": CLIENT_ID,
            "AIRDECK_OIDC_PROVIDER_NAME": "Test IdP",
            "AIRDECK_WEB_URL": web,
            "REFLEX_WEB_WORKDIR": str(web_workdir("oidc")),
        }
        data = tmp_path_factory.mktemp("e2e-oidc")
        with running_stack(airflow, data, env, api_port, web_port) as stack:
            yield OidcStack(web=stack.web, provider=provider)


def _record_urls(page: Page) -> list[str]:
    """Every URL the page navigates to or requests, from now on."""
    seen: list[str] = []
    page.on("framenavigated", lambda frame: seen.append(frame.url))
    page.on("request", lambda request: seen.append(request.url))
    page.on("websocket", lambda socket: seen.append(socket.url))
    return seen


def _record_frames(page: Page) -> list[str]:
    """Every message between the page and the web's backend, from now on."""
    frames: list[str] = []

    def watch(socket: WebSocket) -> None:
        socket.on("framereceived", lambda payload: frames.append(str(payload)))
        socket.on("framesent", lambda payload: frames.append(str(payload)))

    page.on("websocket", watch)
    return frames


def _assert_no_token_in(urls: list[str]) -> None:
    assert urls, "no URL was recorded"
    for url in urls:
        assert "access_token" not in url and "id_token" not in url, url
        assert not JWT_LIKE.search(url), url


def _start_at_provider(page: Page, stack: OidcStack) -> None:
    page.goto(stack.web + "/")
    button = page.locator("#sign-in-with-provider")
    expect(button).to_have_text("Sign in with Test IdP")
    button.click()
    page.wait_for_url(stack.provider.issuer + "/interaction/**")


def _sign_in_at_provider(page: Page, stack: OidcStack, login: str) -> None:
    _start_at_provider(page, stack)
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password: the development pages accept any")
    shot(page, "oidc-provider-login")
    page.click("button[type=submit]")
    # First sign-in for this client: the provider asks for consent.
    consent = page.get_by_role("button", name="Continue")
    expect(consent).to_be_visible()
    shot(page, "oidc-provider-consent")
    consent.click()


def test_sign_in_at_the_provider_and_out(page: Page, oidc_stack: OidcStack) -> None:
    urls = _record_urls(page)
    frames = _record_frames(page)
    page.goto(oidc_stack.web + "/")
    shot(page, "oidc-sign-in")
    _sign_in_at_provider(page, oidc_stack, "olivia")
    page.wait_for_url(oidc_stack.web + "/workflows")
    expect(page.locator("#whoami")).to_contain_text("olivia")
    expect(page.locator("#whoami")).to_contain_text("operator")
    # The role's calls work: the list loads, and the operator's trigger buttons show.
    expect(page.locator(".dag-row[data-dag-id='etl_pipeline']")).to_be_visible()
    expect(page.locator(".dag-row .trigger-button").first).to_be_visible()
    # A write the role may make, kept in this stack's own product DB: star, filter, unstar.
    row = page.locator(".dag-row[data-dag-id='grouped_pipeline']")
    row.locator(".favorite").click()
    page.locator("#favorites-only").click()
    expect(page.locator(".dag-row")).to_have_count(1)
    expect(page.locator(".dag-row")).to_contain_text("grouped_pipeline")
    shot(page, "oidc-signed-in")
    page.locator(".dag-row[data-dag-id='grouped_pipeline'] .favorite").click()
    page.locator("#favorites-only").click()
    expect(page.locator(".dag-row[data-dag-id='etl_pipeline']")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    # RP-initiated logout: the provider asks, then sends the browser back to the sign-in page.
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(oidc_stack.web + "/")
    expect(page.locator("#sign-in-with-provider")).to_be_visible()
    shot(page, "oidc-signed-out")
    page.goto(oidc_stack.web + "/workflows")
    page.wait_for_url(oidc_stack.web + "/")
    expect(page.locator("#whoami")).to_have_count(0)
    _assert_no_token_in(urls)
    # The backend kept the token to itself: it never reached the browser.
    assert any("olivia" in frame for frame in frames)
    assert not [frame for frame in frames if JWT_LIKE.search(frame)]


def test_the_way_back_returns_to_the_page_asked_for(page: Page, oidc_stack: OidcStack) -> None:
    urls = _record_urls(page)
    page.goto(oidc_stack.web + "/workflows/etl_pipeline")
    page.wait_for_url(oidc_stack.web + "/")
    page.locator("#sign-in-with-provider").click()
    page.wait_for_url(oidc_stack.provider.issuer + "/interaction/**")
    page.fill("input[name=login]", "victor")
    page.fill("input[name=password]", "whatever")
    page.click("button[type=submit]")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(oidc_stack.web + "/workflows/etl_pipeline")
    # Still signed in on the next page; a viewer gets no trigger buttons.
    page.goto(oidc_stack.web + "/workflows")
    expect(page.locator("#whoami")).to_contain_text("victor")
    expect(page.locator("#whoami")).to_contain_text("viewer")
    expect(page.locator(".dag-row").first).to_be_visible()
    expect(page.locator(".trigger-button")).to_have_count(0)
    _assert_no_token_in(urls)


def test_a_forged_callback_signs_nobody_in(page: Page, oidc_stack: OidcStack) -> None:
    page.goto(oidc_stack.web + "/auth/callback?code=x&state=wrong")
    page.wait_for_url(oidc_stack.web + "/")
    expect(page.locator("#sign-in-error")).to_contain_text("not started here")
    shot(page, "oidc-forged-callback")
    page.goto(oidc_stack.web + "/workflows")
    page.wait_for_url(oidc_stack.web + "/")
    expect(page.locator("#whoami")).to_have_count(0)


def test_a_callback_with_another_state_is_refused(page: Page, oidc_stack: OidcStack) -> None:
    _start_at_provider(page, oidc_stack)
    # Instead of signing in, someone slips the browser an answer to another sign-in.
    page.goto(oidc_stack.web + "/auth/callback?code=x&state=wrong")
    page.wait_for_url(oidc_stack.web + "/")
    expect(page.locator("#sign-in-error")).to_contain_text("does not match")
    page.goto(oidc_stack.web + "/workflows")
    page.wait_for_url(oidc_stack.web + "/")
    expect(page.locator("#whoami")).to_have_count(0)


def test_cancelling_at_the_provider_is_explained(page: Page, oidc_stack: OidcStack) -> None:
    _start_at_provider(page, oidc_stack)
    page.get_by_role("link", name="[ Cancel ]").click()
    page.wait_for_url(oidc_stack.web + "/")
    expect(page.locator("#sign-in-error")).to_contain_text("End-User aborted interaction")
    shot(page, "oidc-cancelled")
    expect(page.locator("#whoami")).to_have_count(0)
