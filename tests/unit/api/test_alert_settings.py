"""The alert worker's settings: defaults, an SMTP server, and every bad value named at once."""

from __future__ import annotations

import pytest

from airdeck_api.settings import Settings, SettingsError

BASE = {
    "AIRDECK_AIRFLOW_URL": "http://127.0.0.1:8080",
    "AIRDECK_AIRFLOW_USERNAME": "airdeck",
    "AIRDECK_LOCAL_USERS": "ann:pw:admin",
}


def test_defaults_refuse_private_urls_and_send_no_email() -> None:
    alerts = Settings.from_env(BASE).alerts
    assert (alerts.allow_private_urls, alerts.smtp, alerts.interval) == (False, None, 10.0)


def test_an_smtp_server_with_starttls() -> None:
    env = {
        **BASE,
        "AIRDECK_ALERTS_ALLOW_PRIVATE_URLS": "true",
        "AIRDECK_ALERTS_SMTP_HOST": "mail.example.com",
        "AIRDECK_ALERTS_SMTP_PORT": "587",
        "AIRDECK_ALERTS_SMTP_STARTTLS": "yes",
        "AIRDECK_ALERTS_SMTP_PASSWORD": " secret ",
    }
    alerts = Settings.from_env(env).alerts
    assert alerts.allow_private_urls
    assert alerts.smtp is not None
    assert (alerts.smtp.host, alerts.smtp.port, alerts.smtp.starttls) == (
        "mail.example.com",
        587,
        True,
    )
    assert alerts.smtp.password == " secret "


def test_bad_alert_settings_are_all_reported() -> None:
    env = {
        **BASE,
        "AIRDECK_ALERTS_ALLOW_PRIVATE_URLS": "sometimes",
        "AIRDECK_ALERTS_INTERVAL": "0",
        "AIRDECK_ALERTS_SMTP_HOST": "mail.example.com",
        "AIRDECK_ALERTS_SMTP_PORT": "70000",
    }
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(env)
    text = "\n".join(raised.value.problems)
    for name in ("ALERTS_ALLOW_PRIVATE_URLS", "ALERTS_INTERVAL", "ALERTS_SMTP_PORT"):
        assert f"AIRDECK_{name}" in text
