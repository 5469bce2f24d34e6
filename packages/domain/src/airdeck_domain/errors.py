"""Domain errors: every adapter maps its failures onto these so callers handle one vocabulary."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain and its adapters raise on purpose.

    ``message`` is safe to show to a person; ``deployment`` names the Airflow deployment
    involved, when there is one.
    """

    def __init__(self, message: str, *, deployment: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.deployment = deployment


class NotFoundError(DomainError):
    """The DAG, run, task or record asked for does not exist."""


class ConflictError(DomainError):
    """The action collides with the current state (e.g. a run id that already exists)."""


class InvalidInputError(DomainError):
    """The input was rejected; ``errors`` maps a field path to what is wrong with it."""

    def __init__(
        self,
        message: str,
        *,
        errors: dict[str, str] | None = None,
        deployment: str | None = None,
    ) -> None:
        super().__init__(message, deployment=deployment)
        self.errors = errors or {}


class UnauthorizedError(DomainError):
    """Credentials were missing or refused (by Airflow, or by Airdeck itself)."""


class ForbiddenError(DomainError):
    """The caller is known but lacks the permission the action needs."""


class UnavailableError(DomainError):
    """An Airflow deployment could not be reached, timed out or answered garbage."""
