"""Configuration is validated at startup, with every problem named."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from airdeck_api import settings as settings_module
from airdeck_api.ratelimit import parse_limits
from airdeck_api.settings import Settings, SettingsError

BASE = {
    "AIRDECK_AIRFLOW_URL": "http://127.0.0.1:8080",
    "AIRDECK_AIRFLOW_USERNAME": "airdeck",
    "AIRDECK_AIRFLOW_PASSWORD": "pw",
    "AIRDECK_LOCAL_USERS": "ann:pw:admin",
}


def test_defaults() -> None:
    settings = Settings.from_env(BASE)
    assert (settings.http.host, settings.http.port, settings.http.workers) == ("127.0.0.1", 8100, 1)
    assert settings.http.web_origins == ("http://localhost:3000", "http://127.0.0.1:3000")
    assert settings.http.trusted_proxies == ()
    assert (settings.http.max_body_bytes, settings.http.debug) == (262144, False)
    (deployment,) = settings.airflow.deployments
    assert (deployment.name, deployment.api_version, deployment.timeout) == ("default", "v2", 10)
    assert (deployment.password, deployment.max_in_flight) == ("pw", 8)
    assert settings.airflow.longest_action == 4 * 10 + 30
    assert settings.storage.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.storage.database_url.endswith("airdeck.db")
    assert (settings.auth.mode, settings.auth.local_users, settings.auth.oidc) == (
        "local",
        "ann:pw:admin",
        None,
    )
    assert settings.auth.local_token_ttl == 3600
    assert settings.rate_limits.limits == parse_limits("")
    assert (settings.redis.url, settings.redis.prefix) == (None, "airdeck")
    assert (settings.cache.max_entries, settings.cache.max_bytes) == (10000, 64 * 1024 * 1024)
    assert settings.cache.soft_timeout == 2
    assert (settings.actions.idempotency_ttl, settings.actions.reconcile_interval) == (86400, 60)
    assert (settings.observability.log_format, settings.observability.metrics_token) == (
        "json",
        None,
    )


def test_log_format_and_metrics_token() -> None:
    token = "s3cret-scraper-token-0123456789"
    settings = Settings.from_env(
        {**BASE, "AIRDECK_LOG_FORMAT": "Console", "AIRDECK_METRICS_TOKEN": token}
    )
    assert settings.observability.log_format == "console"
    assert settings.observability.metrics_token == token
    assert token not in repr(settings)
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**BASE, "AIRDECK_LOG_FORMAT": "xml", "AIRDECK_METRICS_TOKEN": "short1"})
    assert sorted(caught.value.problems) == [
        "AIRDECK_LOG_FORMAT must be json or console, got 'xml'",
        "AIRDECK_METRICS_TOKEN must be at least 16 characters without spaces (got 6 characters)",
    ]
    spaced = "a" * 10 + " " + "b" * 10
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**BASE, "AIRDECK_METRICS_TOKEN": spaced})
    assert spaced not in str(caught.value)


def test_default_data_dir_is_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not beside the installed package: an installed API must not write into a checkout.
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env(BASE)
    assert settings.storage.data_dir == tmp_path.resolve() / ".airdeck" / "data"
    assert settings.storage.database_url == (
        f"sqlite+aiosqlite:///{tmp_path.resolve() / '.airdeck' / 'data' / 'airdeck.db'}"
    )
    chosen = Settings.from_env({**BASE, "AIRDECK_DATA_DIR": str(tmp_path / "state")})
    assert chosen.storage.data_dir == tmp_path.resolve() / "state"


def test_every_concern_reads_its_variables() -> None:
    settings = Settings.from_env(
        {
            **BASE,
            "AIRDECK_API_HOST": "0.0.0.0",
            "AIRDECK_API_PORT": "9000",
            "AIRDECK_API_WORKERS": "3",
            "AIRDECK_WEB_ORIGINS": "https://airdeck.example.com, ",
            "AIRDECK_MAX_BODY_BYTES": "1000",
            "AIRDECK_DEBUG": "yes",
            "AIRDECK_AIRFLOW_TIMEOUT": "5",
            "AIRDECK_AIRFLOW_MAX_IN_FLIGHT": "10",
            "AIRDECK_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1/airdeck",
            "AIRDECK_RATE_LIMITS": "writes=20/minute",
            "AIRDECK_REDIS_URL": "redis://127.0.0.1:6379/0",
            "AIRDECK_RATE_LIMIT_PREFIX": "deck",
            "AIRDECK_CACHE_MAX_ENTRIES": "50",
            "AIRDECK_CACHE_MAX_BYTES": "4096",
            "AIRDECK_AIRFLOW_SOFT_TIMEOUT": "0.5",
            "AIRDECK_IDEMPOTENCY_TTL": "600",
            "AIRDECK_RECONCILE_INTERVAL": "5",
            "AIRDECK_LOCAL_TOKEN_TTL": "60",
        }
    )
    assert (settings.http.host, settings.http.port, settings.http.workers) == ("0.0.0.0", 9000, 3)
    assert settings.http.web_origins == ("https://airdeck.example.com",)
    assert (settings.http.max_body_bytes, settings.http.debug) == (1000, True)
    (deployment,) = settings.airflow.deployments
    # The in-flight bound is per deployment, shared out among the worker processes.
    assert (deployment.timeout, deployment.max_in_flight) == (5, 3)
    assert settings.airflow.longest_action == 4 * 5 + 30
    assert settings.storage.database_url == "postgresql+asyncpg://postgres@127.0.0.1/airdeck"
    assert str(settings.rate_limits.limits["writes"]) == "20 per 1 minute"
    assert (settings.redis.url, settings.redis.prefix) == ("redis://127.0.0.1:6379/0", "deck")
    assert (settings.cache.max_entries, settings.cache.max_bytes) == (50, 4096)
    assert settings.cache.soft_timeout == 0.5
    assert (settings.actions.idempotency_ttl, settings.actions.reconcile_interval) == (600, 5)
    assert settings.auth.local_token_ttl == 60


def test_numbers_must_be_positive_numbers() -> None:
    names = (
        "AIRFLOW_TIMEOUT",
        "API_WORKERS",
        "MAX_BODY_BYTES",
        "AIRFLOW_MAX_IN_FLIGHT",
        "AIRFLOW_SOFT_TIMEOUT",
        "CACHE_MAX_ENTRIES",
        "CACHE_MAX_BYTES",
        "IDEMPOTENCY_TTL",
        "RECONCILE_INTERVAL",
        "LOCAL_TOKEN_TTL",
    )
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**BASE, **{f"AIRDECK_{name}": "many" for name in names}})
    assert sorted(caught.value.problems) == sorted(
        f"AIRDECK_{name} must be a number, got 'many'" for name in names
    )
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**BASE, **{f"AIRDECK_{name}": "0" for name in names}})
    assert sorted(caught.value.problems) == sorted(
        f"AIRDECK_{name} must be positive, got '0'" for name in names
    )


@pytest.mark.parametrize("ttl", ["59", "604801", "1.5"])
def test_the_local_token_lifetime_is_a_sane_whole_number_of_seconds(ttl: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({**BASE, "AIRDECK_LOCAL_TOKEN_TTL": ttl})
    (problem,) = caught.value.problems
    assert problem.startswith("AIRDECK_LOCAL_TOKEN_TTL must be")


def test_the_local_token_lifetime_bounds_are_accepted() -> None:
    for ttl in (60, 604800):
        env = {**BASE, "AIRDECK_LOCAL_TOKEN_TTL": str(ttl)}
        assert Settings.from_env(env).auth.local_token_ttl == ttl


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
    assert [d.name for d in settings.airflow.deployments] == ["default", "legacy"]
    assert settings.airflow.deployments[1].api_version == "v1"
    assert settings.airflow.deployments[1].password == "pw2"
    assert "pw2" not in repr(settings.airflow.deployments[1])


def test_duplicate_deployment_names_rejected() -> None:
    env = {
        **BASE,
        "AIRDECK_AIRFLOW_DEPLOYMENTS": '[{"name": "default", "url": "http://x", "username": "u"}]',
    }
    with pytest.raises(SettingsError, match="unique"):
        Settings.from_env(env)


def test_every_variable_read_is_in_the_readme_config_table() -> None:
    source = Path(settings_module.__file__).read_text()
    readers = {"text", "secret", "integer", "seconds", "flag"}
    names = {
        f"AIRDECK_{node.args[0].value}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in readers
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }
    assert len(names) >= 30
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    table = {line.split("`")[1] for line in readme.splitlines() if line.startswith("| `AIRDECK_")}
    assert sorted(names - table) == []
