"""Running the ``airdeck`` CLI in the CLI integration tests: the installed command and what
to show when a run went wrong."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from click.testing import Result

AIRDECK = str(Path(sys.executable).parent / "airdeck")
"""The console script the API package installs."""

Airdeck = Callable[..., Awaitable[Result]]
"""The ``airdeck`` fixture: ``await airdeck(*arguments, token=…, env=…)``."""


def explain(result: Result) -> str:
    """What to show when a CLI run did not go as expected."""
    return (
        f"exit {result.exit_code}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}\n"
        f"{result.exception!r}"
    )
