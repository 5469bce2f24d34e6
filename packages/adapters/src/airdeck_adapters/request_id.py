"""The id of the request being served, carried to the services Airdeck calls on its behalf.

The API sets it for each request it serves (``serving``); the Airflow client sends it as
``X-Request-ID`` with every call made while it is set, so a request can be followed from
Airdeck's logs into Airflow's. Work a request starts in the background (a shared cache load)
inherits it, as tasks inherit their creator's context.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

HEADER = "X-Request-ID"

_current: ContextVar[str | None] = ContextVar("airdeck_request_id", default=None)


def current() -> str | None:
    """The id of the request being served, or None outside one (a background job)."""
    return _current.get()


@contextmanager
def serving(request_id: str) -> Iterator[None]:
    """Within this block, calls are made on behalf of ``request_id``."""
    token = _current.set(request_id)
    try:
        yield
    finally:
        _current.reset(token)
