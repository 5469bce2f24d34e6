"""The root command: ``airdeck`` (also installed as ``airdeck-api``, its older name).

Subcommands are imported when used, so a client command does not load the API's server
stack (Litestar, SQLAlchemy, Alembic) and answers in a fraction of a second."""

from __future__ import annotations

import importlib
from typing import Any

import click

from airdeck_api.cli.exit_codes import EXIT_CODES_HELP, ExitCode

COMMANDS = {
    "serve": "airdeck_api.cli.serving:serve_command",
    "db": "airdeck_api.cli.migrations:db",
    "token": "airdeck_api.cli.minting:token_command",
    "dags": "airdeck_api.cli.dags:dags",
    "runs": "airdeck_api.cli.runs:runs",
    "logs": "airdeck_api.cli.logs:logs",
    "health": "airdeck_api.cli.health:health",
    "worker": "airdeck_api.cli.worker:worker_command",
}
"""Each subcommand's name and where it is defined (``module:attribute``)."""
SERVES_BY_DEFAULT = "airdeck"
"""Every name but this one runs ``serve`` when no command is given, as ``airdeck-api`` and
``python -m airdeck_api.cli`` always did; ``airdeck`` alone shows its help."""


class LazyGroup(click.Group):
    """A group whose subcommands (``COMMANDS``) are imported only when one is run (or listed
    by ``--help``): click's documented lazy-loading pattern."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, _, attribute = COMMANDS[cmd_name].partition(":")
        command = getattr(importlib.import_module(module), attribute)
        if not isinstance(command, click.Command):
            raise TypeError(f"{COMMANDS[cmd_name]} is not a click command")
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            # Not click's "Aborted!" with status 1, which means a run failed here.
            raise click.exceptions.Exit(ExitCode.INTERRUPTED) from None


@click.group(
    name="airdeck",
    cls=LazyGroup,
    invoke_without_command=True,
    epilog=EXIT_CODES_HELP,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(package_name="airdeck-api")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Airdeck: run its API (serve, db, token) and use it from a shell (dags, runs, logs,
    health).

    The client commands talk to the API over HTTP with a bearer token (--api-url and
    --token, or AIRDECK_API_URL and AIRDECK_TOKEN), so they obey its roles and rate limits
    and what they do lands in its audit log.
    """
    if ctx.invoked_subcommand is not None:
        return
    if ctx.info_name == SERVES_BY_DEFAULT:
        click.echo(ctx.get_help())
        return
    from airdeck_api.cli.serving import serve_command  # only now: it loads the server stack

    ctx.invoke(serve_command)
