"""The audit trail: exactly one row per action, written even when Airflow refuses or is down.

How the row and the action cannot disagree: the row is committed as ``pending`` *before*
Airflow is asked. If that write fails, the action is refused (503) and Airflow never sees it.
After Airflow answers, the row is completed as ``success`` or ``failure`` (with Airflow's status
and message). Should that second write fail, the row stays ``pending``: the trail still shows
the attempt, with what was asked (for a trigger, the run id Airdeck chose beforehand, so the
outcome can be checked in Airflow); ``airdeck_api.services.reconcile`` later settles it from what
Airflow reports. Each write uses its own session, independent of the request's.

A refused write (403, or 404 for a DAG outside the caller's scope) gets a ``refused`` row.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.exceptions import RepositoryError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from airdeck_adapters.db.models import AuditLog
from airdeck_adapters.db.services import AuditLogService
from airdeck_api import metrics
from airdeck_api.statuses import status_of
from airdeck_domain.errors import DomainError, ForbiddenError, NotFoundError, UnavailableError

logger = logging.getLogger("airdeck.audit")

DB_FAILURES: tuple[type[Exception], ...] = (SQLAlchemyError, RepositoryError, OSError)
"""What a failing product DB raises: SQLAlchemy's errors, advanced-alchemy's wrappers of them
(``RepositoryError`` is not a ``SQLAlchemyError``), and a refused connection."""

ACTIONS = frozenset(
    {
        "trigger_run",
        "pause_dag",
        "unpause_dag",
        "clear_task",
        "mark_task",
        "clear_run",
        "set_run_state",
        "set_run_note",
        "create_backfill",
        "pause_backfill",
        "unpause_backfill",
        "cancel_backfill",
        "respond_action",
        "view_logs",
        "update_metadata",
        "favorite",
        "unfavorite",
        "save_config",
        "delete_config",
        "create_alert_rule",
        "update_alert_rule",
        "delete_alert_rule",
        "mute_alert_rule",
        "snooze_alert_rule",
        "test_alert_rule",
        "create_connector",
        "update_connector",
        "delete_connector",
        "pause_connector",
        "unpause_connector",
    }
)


class OutcomeUnknownError(UnavailableError):
    """Airflow did not say whether it performed the action (a timeout); the row stays
    ``pending`` until the reconciler finds out."""


class OutOfScopeError(NotFoundError):
    """The DAG exists but lies outside the caller's scope: answered exactly like a missing DAG,
    audited (for a write) as refused. ``reason`` says which grant was missing."""

    def __init__(self, message: str, *, reason: str, deployment: str | None = None) -> None:
        super().__init__(message, deployment=deployment)
        self.reason = reason


@dataclass
class Outcome:
    """What a handler adds to its row once the action succeeded. ``settled`` False leaves the
    row ``pending`` for the reconciler (the action happened but its bookkeeping is unfinished)."""

    details: dict[str, Any] = field(default_factory=dict)
    run_id: str | None = None
    settled: bool = True


@dataclass(frozen=True)
class Actor:
    """Who acts, from where."""

    user_id: str
    ip_address: str | None


class AuditTrail:
    """Writes audit rows in sessions of its own."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def _insert(self, row: AuditLog) -> UUID:
        try:
            async with self._sessions() as session:
                created = await AuditLogService(session=session).create(row, auto_commit=True)
                return created.id
        except DB_FAILURES as exc:
            logger.exception("audit write failed")
            metrics.audit_write_failed("insert")
            raise UnavailableError(
                "The audit log cannot be written, so the action was not performed. "
                "Try again shortly."
            ) from exc

    def _row(
        self,
        actor: Actor,
        action: str,
        deployment: str,
        dag_id: str | None,
        run_id: str | None,
        details: dict[str, Any],
        outcome: str,
        status: int | None = None,
        reason: str | None = None,
    ) -> AuditLog:
        assert action in ACTIONS, action
        return AuditLog(
            timestamp=datetime.now(UTC),
            user_id=actor.user_id,
            ip_address=actor.ip_address,
            deployment=deployment,
            dag_id=dag_id,
            run_id=run_id,
            action=action,
            details=details,
            outcome=outcome,
            status_code=status,
            reason=reason,
        )

    async def record(
        self,
        actor: Actor,
        action: str,
        deployment: str,
        dag_id: str | None,
        *,
        run_id: str | None = None,
        details: dict[str, Any] | None = None,
        outcome: str = "success",
        status: int | None = 200,
        reason: str | None = None,
    ) -> None:
        """One finished row (for actions decided without asking Airflow, e.g. a refused conf)."""
        await self._insert(
            self._row(
                actor, action, deployment, dag_id, run_id, details or {}, outcome, status, reason
            )
        )

    @asynccontextmanager
    async def action(
        self,
        actor: Actor,
        action: str,
        deployment: str,
        dag_id: str | None,
        *,
        run_id: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> AsyncIterator[Outcome]:
        """Wrap an action: a pending row before, completed after (failure keeps the reason)."""
        row_id = await self._insert(
            self._row(actor, action, deployment, dag_id, run_id, details or {}, "pending")
        )
        outcome = Outcome()
        try:
            yield outcome
        except OutcomeUnknownError:
            raise
        except DomainError as exc:
            await self._complete(row_id, "failure", status_of(exc), exc.message, outcome)
            raise
        except Exception as exc:
            await self._complete(row_id, "failure", 500, type(exc).__name__, outcome)
            raise
        if outcome.settled:
            await self._complete(row_id, "success", 200, None, outcome)

    @asynccontextmanager
    async def refusals(
        self, actor: Actor, action: str, deployment: str, dag_id: str | None
    ) -> AsyncIterator[None]:
        """Wrap a write's permission check: a refusal (403, or 404 for a DAG out of scope) gets
        a ``refused`` row before it is raised. A failing audit write never hides the refusal."""
        try:
            yield
        except (ForbiddenError, OutOfScopeError) as exc:
            reason = exc.reason if isinstance(exc, OutOfScopeError) else exc.message
            await self.refused(actor, action, deployment, dag_id, status_of(exc), reason)
            raise

    async def refused(
        self,
        actor: Actor,
        action: str,
        deployment: str,
        dag_id: str | None,
        status: int,
        reason: str,
    ) -> None:
        """Record a refused write; the refusal stands even when the row cannot be written."""
        try:
            await self.record(
                actor, action, deployment, dag_id, outcome="refused", status=status, reason=reason
            )
        except UnavailableError:
            logger.warning("a refused %s by %s went unaudited", action, actor.user_id)

    async def _complete(
        self, row_id: UUID, result: str, status: int, reason: str | None, outcome: Outcome
    ) -> None:
        try:
            async with self._sessions() as session:
                await AuditLogService(session=session).complete(
                    row_id,
                    outcome=result,
                    status_code=status,
                    reason=reason,
                    details=outcome.details,
                    run_id=outcome.run_id,
                )
        except DB_FAILURES:
            # The action already happened; the row stays 'pending' and still records it.
            logger.exception("audit completion failed for %s", row_id)
            metrics.audit_write_failed("complete")
