"""Every user action that changes something: pause, trigger, clear, mark (a task or a whole
run), a run's note — audited.

Once Airflow has performed an action, nothing that follows (the audit row's completion, the
record of a triggered run, the cache) may turn the answer into an error: such a failure is
logged and left for the reconciler (``airdeck_api.services.reconcile``) to repair.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any

from airdeck_adapters.db.models import TriggeredRun
from airdeck_adapters.db.services import SavedRunConfigService, TriggeredRunService
from airdeck_api.schemas.actions import ClearBody, MarkBody, RunClearBody, TriggerBody
from airdeck_api.services.audit import DB_FAILURES, OutcomeUnknownError
from airdeck_api.services.context import RequestContext
from airdeck_api.services.dags import DagService
from airdeck_api.services.run_conf import conf_errors, conf_refused
from airdeck_domain.errors import ConflictError, NotFoundError, UnavailableError
from airdeck_domain.models import DagRun, TaskInstance

logger = logging.getLogger("airdeck.actions")


def new_run_id(now: datetime | None = None) -> str:
    """A run id chosen by Airdeck before triggering, so the audit row names it up front."""
    stamp = (now or datetime.now(UTC)).isoformat()
    return f"manual__{stamp}_airdeck_{secrets.token_hex(4)}"


async def after_the_fact(step: Awaitable[None], what: str) -> None:
    """Run a step that follows an action Airflow already performed; its failure is logged,
    never raised, so the caller still hears that the action happened."""
    try:
        await step
    except Exception:  # whatever breaks here, the action itself succeeded
        logger.warning("%s failed after the action succeeded", what, exc_info=True)


def triggered_row(
    deployment: str, dag_id: str, run_id: str, user_id: str, conf: dict[str, Any], note: str | None
) -> TriggeredRun:
    """The product DB's record of a run started through Airdeck (what conf search reads)."""
    return TriggeredRun(
        deployment=deployment, dag_id=dag_id, run_id=run_id, user_id=user_id, conf=conf, note=note
    )


class ActionService:
    """Performs actions on one deployment for one caller."""

    def __init__(self, context: RequestContext, dags: DagService) -> None:
        self.airflow = context.airflow
        self.session = context.session
        self.access = context.access
        self.audit = context.audit
        self.actor = context.actor
        self.dags = dags

    @property
    def deployment(self) -> str:
        return self.airflow.name

    async def set_paused(self, dag_id: str, is_paused: bool) -> bool:
        """Pause or unpause; returns the paused state Airflow now reports."""
        action = "pause_dag" if is_paused else "unpause_dag"
        async with self.audit.refusals(self.actor, action, self.deployment, dag_id):
            await self.access.require("dags:pause", dag_id)
        async with self.audit.action(self.actor, action, self.deployment, dag_id):
            dag = await self.airflow.set_paused(dag_id, is_paused)
        await after_the_fact(self.dags.forget_dag(dag_id), "forgetting the cached DAG")
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

    async def trigger(self, dag_id: str, body: TriggerBody, run_id: str | None = None) -> DagRun:
        """Validate the conf against the DAG's params, then start a run (as ``run_id`` when
        given: a retry under the same Idempotency-Key asks for the same run again).

        An invalid conf never reaches Airflow: the refusal is audited and raised as a 400 with
        one message per field. If Airflow does not answer, the run is looked up by its id;
        when that fails too, ``OutcomeUnknownError`` (503) is raised and the row stays pending.
        """
        async with self.audit.refusals(self.actor, "trigger_run", self.deployment, dag_id):
            await self.access.require("dags:trigger", dag_id)
        conf = await self._conf_for(dag_id, body)
        details: dict[str, Any] = {"conf": conf, "note": body.note}
        if body.config_id:
            details["config_id"] = str(body.config_id)
        errors = await conf_errors(self.airflow, dag_id, conf)
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
            raise conf_refused(
                "The run's conf does not match the DAG's params; nothing was triggered.", errors
            )
        run_id = run_id or new_run_id()
        async with self.audit.action(
            self.actor, "trigger_run", self.deployment, dag_id, run_id=run_id, details=details
        ) as outcome:
            run = await self._start(dag_id, conf, body.note, run_id)
            outcome.settled = await self._remember(run, conf, body.note)
        await after_the_fact(self.dags.forget_last_run(dag_id), "forgetting the last run")
        return run

    async def _start(
        self, dag_id: str, conf: dict[str, Any], note: str | None, run_id: str
    ) -> DagRun:
        """Ask Airflow for the run; what happened is decided by looking ``run_id`` up when
        Airflow says it exists already (an earlier attempt under the same id) or says nothing."""
        try:
            return await self.airflow.trigger(dag_id, conf=conf, note=note, run_id=run_id)
        except ConflictError as conflict:
            try:
                return await self.airflow.get_run(dag_id, run_id)
            except NotFoundError:
                raise conflict from None
        except UnavailableError as failure:
            try:
                return await self.airflow.get_run(dag_id, run_id)
            except NotFoundError:
                raise failure from None
            except UnavailableError:
                raise OutcomeUnknownError(
                    f"Airflow did not answer, so whether run '{run_id}' started is not known "
                    "yet; Airdeck recorded it and will find out. Retry with the same "
                    "Idempotency-Key to learn the outcome without starting a second run.",
                    deployment=self.deployment,
                ) from failure

    async def _remember(self, run: DagRun, conf: dict[str, Any], note: str | None) -> bool:
        """Record the run for conf search; False (the audit row stays pending, and the
        reconciler records it later) when the product DB fails."""
        runs = TriggeredRunService(session=self.session)
        try:
            await runs.remember(
                triggered_row(
                    self.deployment, run.dag_id, run.run_id, self.actor.user_id, conf, note
                )
            )
        except DB_FAILURES:
            logger.exception("could not record triggered run %s", run.run_id)
            with suppress(*DB_FAILURES):
                await self.session.rollback()
            return False
        return True

    async def clear(
        self, dag_id: str, run_id: str, task_id: str, body: ClearBody
    ) -> list[TaskInstance]:
        """Clear a task (some map indexes, with up/downstream) so it runs again; a dry run
        lists what would be cleared and changes nothing (and so is not audited)."""
        async with self.audit.refusals(self.actor, "clear_task", self.deployment, dag_id):
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
            await after_the_fact(self.dags.forget_run(dag_id, run_id), "forgetting the run")
            outcome.details = {"cleared": [f"{t.task_id}[{t.map_index}]" for t in cleared]}
        return cleared

    async def mark(
        self, dag_id: str, run_id: str, task_id: str, body: MarkBody
    ) -> list[TaskInstance]:
        """Set a task instance's state to success, failed or skipped (the usual recovery
        moves); a dry run lists the instances that would change and changes nothing (and so is
        not audited)."""
        async with self.audit.refusals(self.actor, "mark_task", self.deployment, dag_id):
            await self.access.require("tasks:clear", dag_id)
        if body.dry_run:
            return await self.airflow.set_task_state(
                dag_id,
                run_id,
                task_id,
                state=body.state,
                map_index=body.map_index,
                include_downstream=body.include_downstream,
                include_upstream=body.include_upstream,
                dry_run=True,
            )
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
            marked = await self.airflow.set_task_state(
                dag_id,
                run_id,
                task_id,
                state=body.state,
                map_index=body.map_index,
                include_downstream=body.include_downstream,
                include_upstream=body.include_upstream,
            )
            await after_the_fact(self.dags.forget_run(dag_id, run_id), "forgetting the run")
        return marked

    async def set_run_state(self, dag_id: str, run_id: str, state: str) -> DagRun:
        """Mark a whole run success or failed (Airflow ends its unfinished task instances
        along); returns the run as Airflow now has it."""
        async with self.audit.refusals(self.actor, "set_run_state", self.deployment, dag_id):
            await self.access.require("tasks:clear", dag_id)
        async with self.audit.action(
            self.actor,
            "set_run_state",
            self.deployment,
            dag_id,
            run_id=run_id,
            details={"state": state},
        ):
            run = await self.airflow.set_run_state(dag_id, run_id, state)
            await after_the_fact(self.dags.forget_run(dag_id, run_id), "forgetting the run")
        return run

    async def set_run_note(self, dag_id: str, run_id: str, note: str | None) -> DagRun:
        """Set or remove a run's note (it annotates the run and changes nothing it does, so
        whoever may trigger the DAG, and note a run so, may); returns the run as it now is."""
        async with self.audit.refusals(self.actor, "set_run_note", self.deployment, dag_id):
            await self.access.require("dags:trigger", dag_id)
        async with self.audit.action(
            self.actor,
            "set_run_note",
            self.deployment,
            dag_id,
            run_id=run_id,
            details={"note": note},
        ):
            run = await self.airflow.set_run_note(dag_id, run_id, note)
            await after_the_fact(self.dags.forget_run(dag_id, run_id), "forgetting the run")
        return run

    async def clear_run(self, dag_id: str, run_id: str, body: RunClearBody) -> list[TaskInstance]:
        """Clear every task instance of a run, or only the failed ones, so the run goes again;
        a dry run lists what would be cleared and changes nothing (and so is not audited)."""
        async with self.audit.refusals(self.actor, "clear_run", self.deployment, dag_id):
            await self.access.require("tasks:clear", dag_id)
        if body.dry_run:
            return await self.airflow.clear_run(
                dag_id, run_id, only_failed=body.only_failed, dry_run=True
            )
        async with self.audit.action(
            self.actor,
            "clear_run",
            self.deployment,
            dag_id,
            run_id=run_id,
            details={"only_failed": body.only_failed},
        ) as outcome:
            cleared = await self.airflow.clear_run(dag_id, run_id, only_failed=body.only_failed)
            await after_the_fact(self.dags.forget_run(dag_id, run_id), "forgetting the run")
            outcome.details = {"cleared": [f"{t.task_id}[{t.map_index}]" for t in cleared]}
        return cleared
