"""Sign-in settings: the OIDC role map is required and checked, trusted proxies must be
addresses or networks."""

from __future__ import annotations

import json

import pytest

from airdeck_api.settings import Settings, SettingsError

BASE = {
    "AIRDECK_AIRFLOW_URL": "http://127.0.0.1:8080",
    "AIRDECK_AIRFLOW_USERNAME": "airdeck",
    "AIRDECK_LOCAL_USERS": "ann:pw:admin",
}
OIDC = {
    **BASE,
    "AIRDECK_AUTH_MODE": "oidc",
    "AIRDECK_OIDC_ISSUER": "https://sts.windows.net/tenant/",
    "AIRDECK_OIDC_AUDIENCE": "api://airdeck",
}


def test_oidc_needs_a_role_map_and_keeps_the_issuer_as_given() -> None:
    with pytest.raises(SettingsError, match="AIRDECK_OIDC_ROLE_MAP") as caught:
        Settings.from_env(OIDC)
    assert '{"admin": "admin"}' in str(caught.value)
    settings = Settings.from_env({**OIDC, "AIRDECK_OIDC_ROLE_MAP": '{"admin": "admin"}'})
    assert settings.auth.oidc is not None
    assert settings.auth.oidc.issuer == "https://sts.windows.net/tenant/"


def test_role_map_values_must_be_roles() -> None:
    role_map = {"ops": "operator@team=x", "bosses": "boss", "odd": "viewer@colour=red"}
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**OIDC, "AIRDECK_OIDC_ROLE_MAP": json.dumps(role_map)})
    problems = caught.value.problems
    assert len(problems) == 2
    assert "'boss'" in problems[0] and "colour=red" in problems[1]


def test_trusted_proxies_are_addresses_or_networks() -> None:
    assert Settings.from_env(BASE).http.trusted_proxies == ()
    settings = Settings.from_env({**BASE, "AIRDECK_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8,::1"})
    assert settings.http.trusted_proxies == ("127.0.0.1/32", "10.0.0.0/8", "::1/128")
    with pytest.raises(SettingsError, match="AIRDECK_TRUSTED_PROXIES: 'web-server'"):
        Settings.from_env({**BASE, "AIRDECK_TRUSTED_PROXIES": "web-server"})
