"""The HTTP status (and problem title) each domain error is answered with: one table, read by
the error handlers and by the audit trail, so a row records the status the caller got."""

from __future__ import annotations

from airdeck_domain.errors import (
    ConflictError,
    DomainError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    UnauthorizedError,
    UnavailableError,
)

STATUSES: dict[type[DomainError], tuple[int, str]] = {
    NotFoundError: (404, "Not found"),
    ConflictError: (409, "Conflict"),
    InvalidInputError: (400, "Invalid input"),
    UnauthorizedError: (502, "Airflow refused the service account"),
    ForbiddenError: (403, "Forbidden"),
    UnavailableError: (503, "Airflow unavailable"),
}


def status_and_title(exc: DomainError) -> tuple[int, str]:
    """The status and title ``exc`` is answered with (500 for an error of no known kind)."""
    return next((v for k, v in STATUSES.items() if isinstance(exc, k)), (500, "Internal error"))


def status_of(exc: DomainError) -> int:
    """The HTTP status ``exc`` is answered with."""
    return status_and_title(exc)[0]
