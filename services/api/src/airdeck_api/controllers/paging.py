"""The query parameters the list routes share: ``page``, ``limit``, and the rule for text
passed on to Airflow."""

from __future__ import annotations

from typing import Annotated

from litestar.params import QueryParameter

MAX_PAGE = 1_000_000
"""Far past any real list, yet small enough that ``page * limit`` is a valid SQL offset."""

Page = Annotated[
    int, QueryParameter(ge=1, le=MAX_PAGE, description=f"1-based page number, at most {MAX_PAGE}")
]

Limit = Annotated[int, QueryParameter(ge=1, le=100, description="Page size, 1-100")]
"""A page size, 1 to 100 (Airflow's own cap on a page, and the product DB lists' too)."""

NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f\x7f]*$"
"""Text parameters passed on to Airflow: it answers 500 to control characters such as NUL."""
