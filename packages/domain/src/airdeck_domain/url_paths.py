"""URL paths built from raw values, shared by every client that builds one (the Airflow
adapter, the web's API client)."""

from __future__ import annotations

from urllib.parse import quote


def segment(value: str) -> str:
    """One URL path segment, percent-encoded: run ids carry ``+``, ``:``, ``~`` and ``.``, and
    a ``/`` in a value must not start a new segment."""
    return quote(value, safe="")
