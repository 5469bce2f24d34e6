"""Logging a dependency's outage once: a warning when it starts failing, info when it is back,
nothing for each failure in between (a down Redis would otherwise log on every request)."""

from __future__ import annotations

import logging


class OutageLog:
    """Tracks whether ``what`` is failing; ``fallback`` says what happens meanwhile."""

    def __init__(self, logger: logging.Logger, what: str, fallback: str) -> None:
        self._logger = logger
        self._what = what
        self._fallback = fallback
        self.down = False

    def failed(self, exc: BaseException) -> None:
        """Record a failure (logged only if it starts an outage)."""
        if not self.down:
            self.down = True
            self._logger.warning(
                "%s unavailable (%s); %s until it is back",
                self._what,
                type(exc).__name__,
                self._fallback,
            )

    def succeeded(self) -> None:
        """Record a success (logged only if it ends an outage)."""
        if self.down:
            self.down = False
            self._logger.info("%s is back", self._what)
