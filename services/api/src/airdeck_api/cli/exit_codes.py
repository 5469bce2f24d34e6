"""What the ``airdeck`` command's exit status means, and the error that ends a command with one."""

from __future__ import annotations

from enum import IntEnum

import click


class ExitCode(IntEnum):
    """The exit statuses of ``airdeck``; scripts may rely on them."""

    OK = 0
    FAILED = 1
    """A run waited on ended other than ``success``; health found Airflow unhealthy."""
    USAGE = 2
    """A bad argument or option, or an invalid configuration (click's own usage status)."""
    REFUSED = 3
    """The API refused the request (400, 401, 403, 404, 409, 422 …): retrying will not help."""
    UNAVAILABLE = 4
    """The API or Airflow cannot be reached or is unavailable (429, 5xx): try again later."""
    INTERRUPTED = 130
    """Stopped with Ctrl-C (the shell's convention: 128 + SIGINT)."""


EXIT_CODES_HELP = """\b
Exit codes:
  0  done
  1  a run waited on (--wait) did not succeed; health found Airflow unhealthy
  2  bad usage or configuration (an option, --conf that is not a JSON object,
     AIRDECK_* settings)
  3  the API refused the request (400/401/403/404/409/422): its reason is printed
  4  the API or Airflow is unreachable or unavailable (429 with its Retry-After,
     5xx): try again later
  130  interrupted (Ctrl-C)"""
"""The exit codes as the root command's ``--help`` shows them (``\\b`` keeps click from
rewrapping the list)."""


class CommandFailed(click.ClickException):
    """Ends the command: its message on stderr (as ``Error: …``) and the class's exit code."""


class BadSetup(CommandFailed):
    """Exit 2: the command cannot run as given or configured."""

    exit_code = ExitCode.USAGE


class Refused(CommandFailed):
    """Exit 3: the API refused the request."""

    exit_code = ExitCode.REFUSED


class Unavailable(CommandFailed):
    """Exit 4: the API or Airflow could not answer now; ``retry_after`` is when to ask again
    (seconds, when the API said so)."""

    exit_code = ExitCode.UNAVAILABLE

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after
