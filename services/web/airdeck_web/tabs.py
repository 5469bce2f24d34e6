"""Whether a browser tab is still there, so that the pollers of a closed tab stop (each poll
counts against its person's rate limits, and a closed tab's would crowd out their open ones)."""

from __future__ import annotations

import sys
import time

APP_MODULE = "airdeck_web.airdeck_web"
LEFT_AFTER_SECONDS = 60.0
"""How long a tab may be disconnected (a network blip, a sleeping laptop) before it counts as
closed; a tab that comes back later loads its page again, which starts what it needs."""


def connected(token: str) -> bool:
    """Whether the tab with Reflex client ``token`` has a socket open to this web server; True
    while no app serves (tests that drive the states directly)."""
    app = getattr(sys.modules.get(APP_MODULE), "app", None)
    namespace = getattr(app, "event_namespace", None)
    return namespace is None or token in namespace.token_to_sid


class Presence:
    """A poller's view of its tab across rounds: gone once away ``LEFT_AFTER_SECONDS``."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.away_since: float | None = None

    def gone(self) -> bool:
        if connected(self.token):
            self.away_since = None
            return False
        now = time.monotonic()
        if self.away_since is None:
            self.away_since = now
        return now - self.away_since >= LEFT_AFTER_SECONDS
