"""Backfills of a DAG (Airflow 3): plan, start, list, pause, unpause, cancel — the changes
audited, the conf checked against the DAG's params as a trigger's is."""

from __future__ import annotations

import asyncio
from typing import Any

import msgspec

from airdeck_api.schemas.backfills import BackfillBody, BackfillPlan
from airdeck_api.services.actions import after_the_fact
from airdeck_api.services.context import RequestContext
from airdeck_api.services.dags import DagService
from airdeck_api.services.run_conf import conf_errors, conf_refused
from airdeck_domain.backfills import Backfill, BackfillPage, progress_of, range_errors
from airdeck_domain.errors import InvalidInputError, NotFoundError

CHANGES = {"pause": "pause_backfill", "unpause": "unpause_backfill", "cancel": "cancel_backfill"}
"""Each change of a backfill → the action its audit row names."""
PROGRESS_READS_AT_ONCE = 4
"""Backfills whose progress a page reads from Airflow at once."""


class BackfillService:
    """Backfills of one deployment's DAGs, for one caller."""

    def __init__(self, context: RequestContext, dags: DagService) -> None:
        self.airflow = context.airflow
        self.access = context.access
        self.audit = context.audit
        self.actor = context.actor
        self.dags = dags

    @property
    def deployment(self) -> str:
        return self.airflow.name

    async def page(
        self, dag_id: str, *, page: int, limit: int, newest_first: bool = False
    ) -> BackfillPage:
        """One page of a DAG's backfills the caller may read, oldest first (or newest first),
        each with its progress."""
        await self.access.require("dags:read", dag_id)
        items, total = await self.airflow.list_backfills(
            dag_id, offset=(page - 1) * limit, limit=limit, newest_first=newest_first
        )
        gate = asyncio.Semaphore(PROGRESS_READS_AT_ONCE)

        async def with_progress(backfill: Backfill) -> Backfill:
            async with gate:
                return await self._with_progress(backfill)

        shown = await asyncio.gather(*(with_progress(b) for b in items))
        return BackfillPage(items=list(shown), total=total, page=page, limit=limit)

    async def get(self, dag_id: str, backfill_id: int) -> Backfill:
        """One backfill of the DAG, with its progress (404 for an id that is another DAG's:
        its DAG decides who may see and change it)."""
        await self.access.require("dags:read", dag_id)
        return await self._with_progress(await self._of_dag(dag_id, backfill_id))

    async def _with_progress(self, backfill: Backfill) -> Backfill:
        """``backfill`` with its progress: the DAG's backfill runs due in its range (a later
        backfill of the same dates takes over the runs it runs again)."""
        states = await self.airflow.backfill_run_states(
            backfill.dag_id, backfill.from_date, backfill.to_date
        )
        return msgspec.structs.replace(backfill, progress=progress_of(states))

    async def _of_dag(self, dag_id: str, backfill_id: int) -> Backfill:
        try:
            found = await self.airflow.get_backfill(backfill_id)
        except NotFoundError:
            found = None
        if found is None or found.dag_id != dag_id:
            raise NotFoundError(
                f"No backfill {backfill_id} of DAG '{dag_id}' in deployment '{self.deployment}'",
                deployment=self.deployment,
            )
        return found

    async def _checked(self, dag_id: str, body: BackfillBody) -> dict[str, Any]:
        """The body's conf once its range and conf passed Airdeck's checks (InvalidInputError,
        400 with ``errors`` per field, otherwise; nothing reaches Airflow)."""
        errors = range_errors(body.from_date, body.to_date)
        if errors:
            raise InvalidInputError(
                "The backfill's dates are not a range: "
                + "; ".join(f"{k} {v}" for k, v in errors.items()),
                errors=errors,
            )
        conf = body.conf or {}
        problems = await conf_errors(self.airflow, dag_id, conf)
        if problems:
            raise conf_refused(
                "The backfill's conf does not match the DAG's params; nothing was started.",
                problems,
            )
        return conf

    def _details(self, body: BackfillBody, conf: dict[str, Any]) -> dict[str, Any]:
        return {
            "from_date": body.from_date.isoformat(),
            "to_date": body.to_date.isoformat(),
            "reprocess_behavior": body.reprocess_behavior,
            "max_active_runs": body.max_active_runs,
            "run_backwards": body.run_backwards,
            "conf": conf,
        }

    async def plan(self, dag_id: str, body: BackfillBody) -> BackfillPlan:
        """The runs a backfill would create (Airflow's dry run): nothing starts, nothing is
        audited."""
        async with self.audit.refusals(self.actor, "create_backfill", self.deployment, dag_id):
            await self.access.require("dags:backfill", dag_id)
        conf = await self._checked(dag_id, body)
        runs = await self.airflow.plan_backfill(
            dag_id,
            body.from_date,
            body.to_date,
            reprocess_behavior=body.reprocess_behavior,
            max_active_runs=body.max_active_runs,
            run_backwards=body.run_backwards,
            conf=conf,
        )
        return BackfillPlan(dag_id=dag_id, runs=runs, total=len(runs))

    async def create(self, dag_id: str, body: BackfillBody) -> Backfill:
        """Start a backfill. A range or conf Airdeck refuses is audited as a failure (400) and
        never reaches Airflow; Airflow's own refusal (a backfill already running: 409, a DAG
        without a schedule: 400) is audited and raised as it answered."""
        async with self.audit.refusals(self.actor, "create_backfill", self.deployment, dag_id):
            await self.access.require("dags:backfill", dag_id)
        details = self._details(body, body.conf or {})
        try:
            conf = await self._checked(dag_id, body)
        except InvalidInputError as refused:
            await self.audit.record(
                self.actor,
                "create_backfill",
                self.deployment,
                dag_id,
                details={**details, "errors": refused.errors},
                outcome="failure",
                status=400,
                reason=refused.message,
            )
            raise
        async with self.audit.action(
            self.actor, "create_backfill", self.deployment, dag_id, details=details
        ) as outcome:
            backfill = await self.airflow.create_backfill(
                dag_id,
                body.from_date,
                body.to_date,
                reprocess_behavior=body.reprocess_behavior,
                max_active_runs=body.max_active_runs,
                run_backwards=body.run_backwards,
                conf=conf,
            )
            outcome.details = {"backfill_id": backfill.id}
        await after_the_fact(self.dags.forget_last_run(dag_id), "forgetting the last run")
        return backfill

    async def change(self, dag_id: str, backfill_id: int, change: str) -> Backfill:
        """``pause``, ``unpause`` or ``cancel`` one of the DAG's backfills; returns it as
        Airflow now has it (409 for one that already completed)."""
        action = CHANGES[change]
        async with self.audit.refusals(self.actor, action, self.deployment, dag_id):
            await self.access.require("dags:backfill", dag_id)
        await self._of_dag(dag_id, backfill_id)
        async with self.audit.action(
            self.actor,
            action,
            self.deployment,
            dag_id,
            details={"backfill_id": backfill_id},
        ):
            backfill = await self.airflow.change_backfill(backfill_id, change)
        await after_the_fact(self.dags.forget_last_run(dag_id), "forgetting the last run")
        return backfill
