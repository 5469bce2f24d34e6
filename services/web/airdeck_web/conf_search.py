"""The runs tab's conf search: ``region=apac days=3`` → the API's ``conf.<key>`` parameters."""

from __future__ import annotations

import shlex


def conf_params(text: str) -> dict[str, str]:
    """The ``conf.<key>=<value>`` query parameters of a search written as space-separated
    ``key=value`` pairs (quote a value holding spaces: ``note="two words"``). ValueError, with
    a message naming the part, for a part without ``=`` or with an empty key."""
    try:
        parts = shlex.split(text)
    except ValueError as exc:
        raise ValueError(f"Unbalanced quotes in the conf search: {exc}") from None
    params: dict[str, str] = {}
    for part in parts:
        key, equals, value = part.partition("=")
        if not equals or not key.strip():
            raise ValueError(f"Write each conf condition as key=value; '{part}' is not one.")
        params[f"conf.{key.strip()}"] = value
    return params
