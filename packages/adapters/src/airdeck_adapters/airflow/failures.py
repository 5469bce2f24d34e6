"""Mapping Airflow's HTTP failures onto domain errors, keeping Airflow's own message."""

from __future__ import annotations

from typing import Any

import httpx
import msgspec

from airdeck_domain.errors import (
    ConflictError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    UnauthorizedError,
    UnavailableError,
)


def airflow_message(response: httpx.Response) -> str:
    """The human part of an Airflow error body (its ``detail``), or the status line."""
    try:
        body: Any = msgspec.json.decode(response.content)
    except msgspec.DecodeError:
        return response.reason_phrase or f"HTTP {response.status_code}"
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, str):
        return detail
    if isinstance(detail, list):
        # FastAPI validation errors: [{"loc": [...], "msg": "..."}]
        parts = []
        for item in detail:
            if isinstance(item, dict):
                loc = ".".join(str(p) for p in item.get("loc", []) if p not in ("body", "query"))
                parts.append(f"{loc}: {item.get('msg', '')}" if loc else str(item.get("msg", "")))
        return "; ".join(parts) or str(detail)
    if isinstance(detail, dict):
        return str(detail.get("reason") or detail.get("message") or detail)
    return response.reason_phrase or f"HTTP {response.status_code}"


def error_for(response: httpx.Response, deployment: str) -> DomainError:
    """The domain error for a non-2xx Airflow response."""
    status = response.status_code
    message = airflow_message(response)
    if status == 404:
        return NotFoundError(message, deployment=deployment)
    if status == 409:
        return ConflictError(message, deployment=deployment)
    if status in (400, 422):
        return InvalidInputError(message, deployment=deployment)
    if status in (401, 403):
        return UnauthorizedError(
            f"Airflow deployment '{deployment}' refused Airdeck's service account: {message}",
            deployment=deployment,
        )
    return UnavailableError(
        f"Airflow deployment '{deployment}' failed (HTTP {status}): {message}",
        deployment=deployment,
    )
