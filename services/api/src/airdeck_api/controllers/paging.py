"""The ``page`` query parameter every list route shares."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

MAX_PAGE = 1_000_000
"""Far past any real list, yet small enough that ``page * limit`` is a valid SQL offset."""

Page = Annotated[
    int, QueryParameter(ge=1, le=MAX_PAGE, description=f"1-based page number, at most {MAX_PAGE}")
]
