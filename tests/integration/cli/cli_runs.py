"""Running the ``airdeck`` CLI in the CLI integration tests: the installed command, a port of
the tests' own, and what to show when a run went wrong."""

from __future__ import annotations

import random
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from click.testing import Result

AIRDECK = str(Path(sys.executable).parent / "airdeck")
"""The console script the API package installs."""
OWN_PORTS = range(29000, 30000)
"""Where the tests may start servers of their own."""

Airdeck = Callable[..., Awaitable[Result]]
"""The ``airdeck`` fixture: ``await airdeck(*arguments, token=…, env=…)``."""


def own_free_port() -> int:
    """A loopback port in ``OWN_PORTS`` nothing listens on right now."""
    for port in random.sample(OWN_PORTS, 200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 29000-29999")


def explain(result: Result) -> str:
    """What to show when a CLI run did not go as expected."""
    return (
        f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}\n"
        f"{result.exception!r}"
    )
