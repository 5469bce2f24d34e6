"""Configuration is validated at startup, with every problem named."""

from __future__ import annotations

import pytest

from airdeck_api.settings import Settings, SettingsError

BASE = {
    "AIRDECK_AIRFLOW_URL": "http://127.0.0.1:8080",
    "AIRDECK_AIRFLOW_USERNAME": "airdeck",
    "AIRDECK_AIRFLOW_PASSWORD": "pw",
    "AIRDECK_LOCAL_USERS": "ann:pw:admin",
}


def test_defaults() -> None:
    settings = Settings.from_env(BASE)
    assert settings.api_host == "127.0.0.1"
    assert settings.api_port == 8100
    assert settings.deployments[0].name == "default"
    assert settings.deployments[0].api_version == "v2"
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.database_url.endswith("airdeck.db")
    assert settings.auth_mode == "local"


def test_local_mode_needs_users_and_limits_must_parse() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**BASE, "AIRDECK_LOCAL_USERS": "", "AIRDECK_RATE_LIMITS": "writes=lots"})
    assert "AIRDECK_LOCAL_USERS" in str(caught.value)
    assert "AIRDECK_RATE_LIMITS" in str(caught.value)
    with pytest.raises(SettingsError, match="AIRDECK_OIDC_ISSUER"):
        Settings.from_env({**BASE, "AIRDECK_AUTH_MODE": "oidc"})


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(
            {
                "AIRDECK_AIRFLOW_URL": "ftp://x",
                "AIRDECK_AIRFLOW_API_VERSION": "v9",
                "AIRDECK_API_PORT": "eighty",
                "AIRDECK_DATABASE_URL": "mysql://root@db/x",
            }
        )
    text = str(caught.value)
    for name in (
        "AIRDECK_AIRFLOW_URL",
        "AIRDECK_AIRFLOW_API_VERSION",
        "AIRDECK_API_PORT",
        "AIRDECK_DATABASE_URL",
        "AIRDECK_AIRFLOW_USERNAME",
        "AIRDECK_LOCAL_USERS",
    ):
        assert name in text
    assert len(caught.value.problems) == 6


def test_missing_airflow_url_is_explained() -> None:
    with pytest.raises(SettingsError, match="AIRDECK_AIRFLOW_URL is required"):
        Settings.from_env({})


def test_extra_deployments_from_json() -> None:
    env = {
        **BASE,
        "AIRDECK_AIRFLOW_DEPLOYMENTS": '[{"name": "legacy", "url": "http://10.0.0.2:8080", '
        '"username": "svc", "api_version": "v1", "password_env": "LEGACY_PW"}]',
        "LEGACY_PW": "pw2",
    }
    settings = Settings.from_env(env)
    assert [d.name for d in settings.deployments] == ["default", "legacy"]
    assert settings.deployments[1].api_version == "v1"
    assert settings.deployments[1].password == "pw2"
    assert "pw2" not in repr(settings.deployments[1])


def test_duplicate_deployment_names_rejected() -> None:
    env = {
        **BASE,
        "AIRDECK_AIRFLOW_DEPLOYMENTS": '[{"name": "default", "url": "http://x", "username": "u"}]',
    }
    with pytest.raises(SettingsError, match="unique"):
        Settings.from_env(env)
