"""When a browser tab's sign-in needs renewing: shortly before its token expires, or as soon as
the API refuses the token (401) in any of the tab's calls, polls included."""

from __future__ import annotations

import asyncio
import time
from contextlib import suppress
from enum import Enum

PROMPT_MARGIN_SECONDS = 120.0
"""Ask for the password this long before the token expires: time to type it."""


def prompt_time(expires_in: int | None, now: float | None = None) -> float:
    """The wall-clock time to renew a token living ``expires_in`` seconds from ``now``: the
    margin before it expires, or a quarter of a short lifetime before; 0 when the lifetime is
    unknown (then only a refused call says so)."""
    if not expires_in or expires_in <= 0:
        return 0.0
    issued = time.time() if now is None else now
    return issued + expires_in - min(PROMPT_MARGIN_SECONDS, expires_in / 4)


class Wake(Enum):
    """Why a watcher woke up."""

    DUE = "due"
    """The token is about to expire."""
    REFUSED = "refused"
    """The API refused the token the watcher watches."""
    SUPERSEDED = "superseded"
    """A newer watcher took over the tab."""


class Watch:
    """One watcher's wake-up call for one token."""

    def __init__(self, token: str) -> None:
        self.token = token
        self._woken = asyncio.Event()
        self._superseded = False

    def refused(self, token: str) -> None:
        """The API answered 401 to ``token``; an older token's refusal means nothing now."""
        if token == self.token:
            self._woken.set()

    def supersede(self) -> None:
        self._superseded = True
        self._woken.set()

    async def wait(self, until: float) -> Wake:
        """Sleep until the wall-clock time ``until`` (0: no time limit) or a wake-up."""
        timeout = max(0.0, until - time.time()) if until else None
        with suppress(TimeoutError):
            await asyncio.wait_for(self._woken.wait(), timeout)
        if self._superseded:
            return Wake.SUPERSEDED
        return Wake.REFUSED if self._woken.is_set() else Wake.DUE


class SessionWatches:
    """The current watch of each browser tab (by Reflex's client token), in this process."""

    def __init__(self) -> None:
        self._watches: dict[str, Watch] = {}

    def start(self, tab: str, token: str) -> Watch:
        """A new watch over ``token`` for ``tab``, superseding the tab's earlier one."""
        earlier = self._watches.get(tab)
        if earlier is not None:
            earlier.supersede()
        watch = self._watches[tab] = Watch(token)
        return watch

    def refused(self, tab: str, token: str) -> None:
        """Wake ``tab``'s watcher: the API refused ``token``."""
        watch = self._watches.get(tab)
        if watch is not None:
            watch.refused(token)

    def end(self, tab: str, watch: Watch) -> None:
        """Forget ``watch`` once its watcher is done (unless a newer one took over)."""
        if self._watches.get(tab) is watch:
            del self._watches[tab]


SESSION_WATCHES = SessionWatches()
"""Every tab of this web process: the Reflex backend runs its event handlers in one loop."""
