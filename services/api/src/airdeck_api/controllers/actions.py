"""Actions on DAGs, runs and tasks: pause, trigger, clear, mark. Each accepts an
``Idempotency-Key`` header, so a client's retry gets the first answer, never a second action."""

from __future__ import annotations

from litestar import Controller, patch, post
from litestar.params import FromPath, JSONBody

from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.schemas.actions import (
    ClearBody,
    ClearResult,
    MarkBody,
    MarkResult,
    PauseBody,
    PauseResult,
    TriggerBody,
    TriggerResult,
)
from airdeck_api.services.actions import ActionService
from airdeck_api.services.idempotency import Idempotency


class ActionController(Controller):
    """Changes to DAGs and their runs; every one is audited."""

    path = "/dags/{dag_id:str}"
    tags = ["Actions"]

    @patch(
        "/pause",
        operation_id="setDagPaused",
        opt={"permission": "dags:pause", "audit": "pause_dag"},
        responses=PROBLEM_RESPONSES,
    )
    async def pause(
        self,
        dag_id: FromPath[str],
        data: JSONBody[PauseBody],
        actions: Injected[ActionService],
        idempotency: Injected[Idempotency],
    ) -> PauseResult:
        """Pause or unpause a DAG."""

        async def pause(_: str | None) -> PauseResult:
            return PauseResult(
                dag_id=dag_id, is_paused=await actions.set_paused(dag_id, data.is_paused)
            )

        return await idempotency.once(data, PauseResult, 200, pause)

    @post(
        "/runs",
        operation_id="triggerRun",
        opt={"permission": "dags:trigger", "audit": "trigger_run"},
        responses=PROBLEM_RESPONSES,
        status_code=201,
    )
    async def trigger(
        self,
        dag_id: FromPath[str],
        data: JSONBody[TriggerBody],
        actions: Injected[ActionService],
        idempotency: Injected[Idempotency],
    ) -> TriggerResult:
        """Start a run; its conf is validated against the DAG's params before Airflow sees it.
        With an ``Idempotency-Key``, a retry answers the same run id and starts no second run."""

        async def trigger(run_id: str | None) -> TriggerResult:
            run = await actions.trigger(dag_id, data, run_id)
            return TriggerResult(run_id=run.run_id, state=run.state, queued_at=run.queued_at)

        return await idempotency.once(data, TriggerResult, 201, trigger)

    @post(
        "/runs/{run_id:str}/tasks/{task_id:str}/clear",
        operation_id="clearTask",
        opt={"permission": "tasks:clear", "audit": "clear_task"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def clear(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        task_id: FromPath[str],
        data: JSONBody[ClearBody],
        actions: Injected[ActionService],
        idempotency: Injected[Idempotency],
    ) -> ClearResult:
        """Clear a task (and optionally up/downstream, some map indexes) so it runs again."""

        async def clear(_: str | None) -> ClearResult:
            cleared = await actions.clear(dag_id, run_id, task_id, data)
            return ClearResult(dry_run=data.dry_run, task_instances=cleared)

        return await idempotency.once(data, ClearResult, 200, clear)

    @post(
        "/runs/{run_id:str}/tasks/{task_id:str}/state",
        operation_id="markTask",
        opt={"permission": "tasks:clear", "audit": "mark_task"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def mark(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        task_id: FromPath[str],
        data: JSONBody[MarkBody],
        actions: Injected[ActionService],
        idempotency: Injected[Idempotency],
    ) -> MarkResult:
        """Mark a task instance success or failed."""

        async def mark(_: str | None) -> MarkResult:
            return MarkResult(task_instances=await actions.mark(dag_id, run_id, task_id, data))

        return await idempotency.once(data, MarkResult, 200, mark)
