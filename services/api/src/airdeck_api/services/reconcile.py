"""Settling audit rows left ``pending``: an action whose completion could not be recorded (the
product DB failed after Airflow answered) or whose outcome was unknown (Airflow timed out).

Each API process runs ``Reconciler.run_forever`` in the background; several may run at once:
a row is settled only while it is still pending (a conditional update), and recording a
triggered run twice is a no-op, so two processes settling the same row agree.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from airdeck_adapters.db.models import AuditLog
from airdeck_adapters.db.services import (
    AuditLogService,
    IdempotencyKeyService,
    TriggeredRunService,
)
from airdeck_api.services.actions import triggered_row
from airdeck_api.services.audit import DB_FAILURES
from airdeck_api.services.ports import AirflowPort, DeploymentsPort
from airdeck_domain.errors import NotFoundError, UnavailableError

logger = logging.getLogger("airdeck.reconcile")

ROUND_FAILURES: tuple[type[Exception], ...] = (*DB_FAILURES, UnavailableError)
"""What ends a round early (the product DB or Airflow down); the next round tries again."""

Verdict = tuple[str, int | None, str | None]
"""How a pending row ends: outcome, status code, reason."""


class Reconciler:
    """Finds out how pending actions ended, from Airflow, and records it."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        deployments: DeploymentsPort,
        *,
        grace: timedelta,
        key_retention: timedelta,
        batch: int = 100,
    ) -> None:
        self._sessions = sessions
        self._deployments = deployments
        self.grace = grace
        self.key_retention = key_retention
        self.batch = batch

    async def run_once(self, now: datetime | None = None) -> int:
        """Settle the pending rows older than the grace period (younger ones may still be in
        flight) and forget expired idempotency keys; returns how many rows were settled."""
        now = now or datetime.now(UTC)
        async with self._sessions() as session:
            rows = await AuditLogService(session=session).pending(
                before=now - self.grace, limit=self.batch
            )
            await IdempotencyKeyService(session=session).purge(now - self.key_retention)
        settled = 0
        for row in rows:
            verdict = await self._verdict(row)
            if verdict is not None and await self._settle(row, verdict):
                settled += 1
        return settled

    async def run_forever(self, interval: float) -> None:
        """``run_once`` every ``interval`` seconds until cancelled; a failed round is logged
        and the next one tries again."""
        while True:
            try:
                settled = await self.run_once()
                if settled:
                    logger.info("settled %d pending audit rows", settled)
            except ROUND_FAILURES:
                logger.warning("reconciling pending audit rows failed", exc_info=True)
            await asyncio.sleep(interval)

    async def _verdict(self, row: AuditLog) -> Verdict | None:
        """How the row's action ended, or None while Airflow cannot tell (try again later)."""
        try:
            airflow = self._deployments.get(row.deployment)
        except NotFoundError:
            return "failure", None, f"unconfirmed: deployment '{row.deployment}' is gone"
        try:
            if row.action == "trigger_run" and row.dag_id and row.run_id:
                return await self._trigger(row, airflow.name, row.dag_id, row.run_id)
            if row.action == "respond_action" and row.dag_id and row.run_id:
                return await self._response(row, airflow, row.dag_id, row.run_id)
            if row.action in ("pause_dag", "unpause_dag") and row.dag_id:
                wanted = row.action == "pause_dag"
                dag = await airflow.get_dag(row.dag_id)
                if dag.is_paused == wanted:
                    return "success", 200, None
                return "failure", None, f"Airflow shows the DAG {'un' if wanted else ''}paused"
        except NotFoundError as exc:
            return "failure", 404, exc.message
        except UnavailableError:
            return None
        return "failure", None, "unconfirmed: how this action ended was never recorded"

    async def _response(
        self, row: AuditLog, airflow: AirflowPort, dag_id: str, run_id: str
    ) -> Verdict:
        """A response to a human-in-the-loop request: Airflow holds it (the options the row
        sent) or it was never given."""
        details = row.details or {}
        action = await airflow.required_action(
            dag_id, run_id, str(details.get("task_id")), int(details.get("map_index", -1))
        )
        if not action.response_received:
            return "failure", None, "Airflow holds no response to the request: it was never given"
        if action.chosen_options != details.get("chosen_options"):
            return "failure", None, "Airflow holds another response to the request"
        return "success", 200, None

    async def _trigger(self, row: AuditLog, deployment: str, dag_id: str, run_id: str) -> Verdict:
        airflow = self._deployments.get(deployment)
        try:
            run = await airflow.get_run(dag_id, run_id)
        except NotFoundError:
            return "failure", 404, f"Airflow has no run '{run_id}': it was never started"
        details: dict[str, Any] = row.details or {}
        async with self._sessions() as session:
            await TriggeredRunService(session=session).remember(
                triggered_row(
                    deployment,
                    dag_id,
                    run.run_id,
                    row.user_id,
                    dict(details.get("conf") or {}),
                    details.get("note"),
                )
            )
        return "success", 200, None

    async def _settle(self, row: AuditLog, verdict: Verdict) -> bool:
        outcome, status, reason = verdict
        async with self._sessions() as session:
            return await AuditLogService(session=session).complete(
                row.id,
                outcome=outcome,
                status_code=status,
                reason=reason,
                details={"reconciled": True},
            )
