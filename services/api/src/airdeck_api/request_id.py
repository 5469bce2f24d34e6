"""Every request's id: the caller's ``X-Request-ID`` when it is a sane token, else a new one.

It is returned on every answer, bound to every log line the request writes, and sent to Airflow
with the calls made for the request (``access_log``, ``airdeck_adapters.request_id``). A sane
token is short and made of URL-safe characters, so a caller cannot forge log lines or headers
with it; anything else is replaced, not echoed.
"""

from __future__ import annotations

import re
import uuid

from litestar.types import Scope

HEADER = b"x-request-id"
STATE_KEY = "airdeck.request_id"
SANE = re.compile(r"[A-Za-z0-9._:+/=-]{1,128}")


def sane(value: str) -> bool:
    """Whether a caller's request id may be kept as it is."""
    return SANE.fullmatch(value) is not None


def request_id_of(scope: Scope) -> str:
    """This request's id, chosen on first use: the caller's first ``X-Request-ID`` if sane,
    else a new random one."""
    state = scope["state"]
    chosen: str | None = state.get(STATE_KEY)
    if chosen is None:
        inbound = next((value for name, value in scope["headers"] if name == HEADER), b"")
        text = inbound.decode("latin-1")
        chosen = text if sane(text) else uuid.uuid4().hex
        state[STATE_KEY] = chosen
    return chosen
