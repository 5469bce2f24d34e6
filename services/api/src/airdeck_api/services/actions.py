"""Every user action that changes something: pause, trigger, clear, mark — audited."""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from airdeck_adapters.airflow import AirflowClient
from airdeck_adapters.db.models import TriggeredRun
from airdeck_adapters.db.services import SavedRunConfigService, TriggeredRunService
from airdeck_api.controllers.schemas import ClearBody, MarkBody, TriggerBody
from airdeck_api.services.access import DagAccess
from airdeck_api.services.audit import Actor, AuditTrail
from airdeck_api.services.dags import DagService
from airdeck_domain.conf import check_conf_limits, validate_conf
from airdeck_domain.errors import InvalidInputError, NotFoundError
from airdeck_domain.models import DagRun, TaskInstance

logger = logging.getLogger("airdeck.actions")


def new_run_id(now: datetime | None = None) -> str:
    """A run id chosen by Airdeck before triggering, so the audit row names it up front."""
    stamp = (now or datetime.now(UTC)).isoformat()
    return f"manual__{stamp}_airdeck_{secrets.token_hex(4)}"


class ActionService:
    """Performs actions on one deployment for one caller."""

    def __init__(
        self,
        *,
        airflow: AirflowClient,
        session: AsyncSession,
        access: DagAccess,
        audit: AuditTrail,
        actor: Actor,
        dags: DagService,
    ) -> None:
        self.airflow = airflow
        self.session = session
        self.access = access
        self.audit = audit
        self.actor = actor
        self.dags = dags

    @property
    def deployment(self) -> str:
        return self.airflow.name

    async def set_paused(self, dag_id: str, is_paused: bool) -> bool:
        """Pause or unpause; returns the paused state Airflow now reports."""
        await self.access.require("dags:pause", dag_id)
        action = "pause_dag" if is_paused else "unpause_dag"
        async with self.audit.action(self.actor, action, self.deployment, dag_id):
            dag = await self.airflow.set_paused(dag_id, is_paused)
        await self.dags.forget_last_run(dag_id)
        return dag.is_paused

    async def _conf_for(self, dag_id: str, body: TriggerBody) -> dict[str, Any]:
        conf: dict[str, Any] = {}
        if body.config_id is not None:
            saved = await SavedRunConfigService(session=self.session).get_one_or_none(
                id=body.config_id
            )
            visible = saved is not None and (saved.shared or saved.created_by == self.actor.user_id)
            if saved is None or not visible or saved.dag_id != dag_id:
                raise NotFoundError(f"No saved config {body.config_id} for DAG '{dag_id}'")
            conf.update(saved.conf)
        conf.update(body.conf or {})
        return conf

    async def trigger(self, dag_id: str, body: TriggerBody) -> DagRun:
        """Validate the conf against the DAG's params, then start a run.

        An invalid conf never reaches Airflow: the refusal is audited and raised as a 400 with
        one message per field.
        """
        await self.access.require("dags:trigger", dag_id)
        conf = await self._conf_for(dag_id, body)
        details: dict[str, Any] = {"conf": conf, "note": body.note}
        if body.config_id:
            details["config_id"] = str(body.config_id)
        errors = check_conf_limits(conf)
        if not errors:
            detail = await self.airflow.get_dag(dag_id)
            errors = validate_conf(detail.params_schema, conf)
        if errors:
            reason = "conf rejected: " + "; ".join(f"{k}: {v}" for k, v in errors.items())
            await self.audit.record(
                self.actor,
                "trigger_run",
                self.deployment,
                dag_id,
                details={**details, "errors": errors},
                outcome="failure",
                status=400,
                reason=reason,
            )
            raise InvalidInputError(
                "The run's conf does not match the DAG's params; nothing was triggered.",
                errors={f"conf.{k}" if k != "conf" else k: v for k, v in errors.items()},
            )
        run_id = new_run_id()
        async with self.audit.action(
            self.actor, "trigger_run", self.deployment, dag_id, run_id=run_id, details=details
        ):
            run = await self.airflow.trigger(dag_id, conf=conf, note=body.note, run_id=run_id)
        await self._remember(run, conf, body.note)
        await self.dags.forget_last_run(dag_id)
        return run

    async def _remember(self, run: DagRun, conf: dict[str, Any], note: str | None) -> None:
        try:
            await TriggeredRunService(session=self.session).create(
                TriggeredRun(
                    deployment=self.deployment,
                    dag_id=run.dag_id,
                    run_id=run.run_id,
                    user_id=self.actor.user_id,
                    conf=conf,
                    note=note,
                ),
                auto_commit=True,
            )
        except SQLAlchemyError:
            # The run exists and its audit row names it; only conf search will miss it.
            logger.exception("could not record triggered run %s", run.run_id)

    async def clear(
        self, dag_id: str, run_id: str, task_id: str, body: ClearBody
    ) -> list[TaskInstance]:
        """Clear a task (some map indexes, with up/downstream) so it runs again; a dry run
        lists what would be cleared and changes nothing (and so is not audited)."""
        await self.access.require("tasks:clear", dag_id)
        targets: list[str | tuple[str, int]] = (
            [(task_id, i) for i in body.map_indexes] if body.map_indexes else [task_id]
        )

        async def call(dry_run: bool) -> list[TaskInstance]:
            return await self.airflow.clear(
                dag_id,
                run_id,
                targets,
                include_downstream=body.include_downstream,
                include_upstream=body.include_upstream,
                only_failed=body.only_failed,
                dry_run=dry_run,
            )

        if body.dry_run:
            return await call(True)
        details = {
            "task_id": task_id,
            "map_indexes": body.map_indexes,
            "include_downstream": body.include_downstream,
            "include_upstream": body.include_upstream,
            "only_failed": body.only_failed,
        }
        async with self.audit.action(
            self.actor, "clear_task", self.deployment, dag_id, run_id=run_id, details=details
        ) as outcome:
            cleared = await call(False)
            outcome.details = {"cleared": [f"{t.task_id}[{t.map_index}]" for t in cleared]}
        return cleared

    async def mark(
        self, dag_id: str, run_id: str, task_id: str, body: MarkBody
    ) -> list[TaskInstance]:
        """Set a task instance's state to success or failed (the usual recovery moves)."""
        await self.access.require("tasks:clear", dag_id)
        details = {
            "task_id": task_id,
            "state": body.state,
            "map_index": body.map_index,
            "include_downstream": body.include_downstream,
            "include_upstream": body.include_upstream,
        }
        async with self.audit.action(
            self.actor, "mark_task", self.deployment, dag_id, run_id=run_id, details=details
        ):
            return await self.airflow.set_task_state(
                dag_id,
                run_id,
                task_id,
                state=body.state,
                map_index=body.map_index,
                include_downstream=body.include_downstream,
                include_upstream=body.include_upstream,
            )
