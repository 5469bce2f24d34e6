"""The API's settings for the commands that act as the API itself (serve, db, token)."""

from __future__ import annotations

from airdeck_api.cli.exit_codes import BadSetup
from airdeck_api.settings import Settings, SettingsError


def settings_or_exit() -> Settings:
    """The settings from ``AIRDECK_*``; ends the command with exit code 2 and every
    configuration problem listed when they are invalid."""
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise BadSetup(str(exc)) from exc
