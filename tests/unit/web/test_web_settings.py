"""The web UI's settings: the sign-in mode and, in OIDC mode, the provider and this client."""

from __future__ import annotations

import pytest

from airdeck_web.settings import WebSettings, WebSettingsError

OIDC = {
    "AIRDECK_AUTH_MODE": "oidc",
    "AIRDECK_OIDC_ISSUER": "https://login.example.com/realms/acme",
    "AIRDECK_OIDC_AUDIENCE": "https://airdeck.example.com/api",
    "AIRDECK_OIDC_CLIENT_ID": "airdeck-web",
}


def test_local_mode_is_the_default() -> None:
    settings = WebSettings.from_env({})
    assert settings.auth_mode == "local" and settings.oidc is None
    assert settings.web_url == "http://127.0.0.1:3000"


def test_the_web_url_defaults_to_the_web_port_and_gives_the_callback() -> None:
    settings = WebSettings.from_env({"AIRDECK_WEB_PORT": "3100"})
    assert settings.redirect_uri == "http://127.0.0.1:3100/auth/callback"
    assert settings.post_logout_redirect_uri == "http://127.0.0.1:3100/"
    behind_proxy = WebSettings.from_env({"AIRDECK_WEB_URL": "https://airdeck.example.com/"})
    assert behind_proxy.redirect_uri == "https://airdeck.example.com/auth/callback"


def test_oidc_mode_reads_the_provider_and_the_client() -> None:
    settings = WebSettings.from_env(OIDC)
    assert settings.auth_mode == "oidc"
    oidc = settings.oidc
    assert oidc is not None
    assert oidc.issuer == OIDC["AIRDECK_OIDC_ISSUER"]
    assert oidc.audience == OIDC["AIRDECK_OIDC_AUDIENCE"]
    assert oidc.client_id == "airdeck-web"
    # Without a secret the web is a public client and proves itself with PKCE alone.
    assert oidc.client_secret is None
    assert oidc.scopes == "openid profile" and oidc.wants_id_token
    assert oidc.provider_name == "login.example.com"


def test_oidc_options() -> None:
    settings = WebSettings.from_env(
        {
            **OIDC,
            "AIRDECK_OIDC_CLIENT_SECRET": "s3cret",
            "AIRDECK_OIDC_SCOPES": "api, offline_access",
            "AIRDECK_OIDC_PROVIDER_NAME": "Acme SSO",
        }
    )
    assert settings.oidc is not None
    assert settings.oidc.client_secret == "s3cret"
    assert settings.oidc.scopes == "api offline_access" and not settings.oidc.wants_id_token
    assert settings.oidc.provider_name == "Acme SSO"


def test_oidc_mode_names_every_missing_setting() -> None:
    with pytest.raises(WebSettingsError) as raised:
        WebSettings.from_env({"AIRDECK_AUTH_MODE": "oidc"})
    (problem,) = raised.value.problems
    for name in ("AIRDECK_OIDC_ISSUER", "AIRDECK_OIDC_AUDIENCE", "AIRDECK_OIDC_CLIENT_ID"):
        assert name in problem


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(WebSettingsError) as raised:
        WebSettings.from_env(
            {
                **OIDC,
                "AIRDECK_OIDC_ISSUER": "login.example.com",
                "AIRDECK_OIDC_SCOPES": " , ",
                "AIRDECK_WEB_URL": "airdeck.example.com",
            }
        )
    problems = raised.value.problems
    assert len(problems) == 3
    assert any("AIRDECK_OIDC_ISSUER must be an http(s) URL" in p for p in problems)
    assert any("AIRDECK_OIDC_SCOPES" in p for p in problems)
    assert any("AIRDECK_WEB_URL" in p for p in problems)
    assert "Invalid Airdeck web configuration" in str(raised.value)


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(WebSettingsError, match="AIRDECK_AUTH_MODE must be local, oidc or dev"):
        WebSettings.from_env({"AIRDECK_AUTH_MODE": "saml"})
