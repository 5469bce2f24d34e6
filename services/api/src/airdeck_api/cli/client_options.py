"""The options every command that calls the API shares: where it is, whose token, which
Airflow deployment."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

from airdeck_api.cli.api_client import DEFAULT_API_URL

F = TypeVar("F", bound=Callable[..., object])


def api_options(command: F) -> F:
    """Add ``--api-url``, ``--token`` and ``--deployment`` to a command; it receives them as
    ``api_url``, ``token`` and ``deployment``, the arguments of ``ApiClient``."""
    options = (
        click.option(
            "--api-url",
            envvar="AIRDECK_API_URL",
            default=DEFAULT_API_URL,
            show_default=True,
            show_envvar=True,
            help="The Airdeck API's address.",
        ),
        click.option(
            "--token",
            envvar="AIRDECK_TOKEN",
            default="",
            show_envvar=True,
            help="Bearer token sent to the API (`airdeck token` mints one in local mode); "
            "requests obey its role and are audited under its user.",
        ),
        click.option(
            "--deployment",
            default=None,
            help="The Airflow deployment to ask (the API's default one when omitted).",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command
