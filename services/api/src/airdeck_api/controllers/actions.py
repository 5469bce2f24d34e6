"""Actions on DAGs, runs and tasks: pause, trigger, clear, mark."""

from __future__ import annotations

from litestar import Controller, patch, post
from litestar.params import FromPath

from airdeck_api.controllers.schemas import (
    ClearBody,
    ClearResult,
    MarkBody,
    MarkResult,
    PauseBody,
    PauseResult,
    TriggerBody,
    TriggerResult,
)
from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.services.actions import ActionService


class ActionController(Controller):
    """Changes to DAGs and their runs; every one is audited."""

    path = "/dags/{dag_id:str}"
    tags = ["Actions"]

    @patch(
        "/pause",
        operation_id="setDagPaused",
        opt={"permission": "dags:pause"},
        responses=PROBLEM_RESPONSES,
    )
    async def pause(
        self, dag_id: FromPath[str], data: PauseBody, actions: Injected[ActionService]
    ) -> PauseResult:
        """Pause or unpause a DAG."""
        return PauseResult(
            dag_id=dag_id, is_paused=await actions.set_paused(dag_id, data.is_paused)
        )

    @post(
        "/runs",
        operation_id="triggerRun",
        opt={"permission": "dags:trigger"},
        responses=PROBLEM_RESPONSES,
        status_code=201,
    )
    async def trigger(
        self, dag_id: FromPath[str], data: TriggerBody, actions: Injected[ActionService]
    ) -> TriggerResult:
        """Start a run; its conf is validated against the DAG's params before Airflow sees it."""
        run = await actions.trigger(dag_id, data)
        return TriggerResult(run_id=run.run_id, state=run.state, queued_at=run.queued_at)

    @post(
        "/runs/{run_id:str}/tasks/{task_id:str}/clear",
        operation_id="clearTask",
        opt={"permission": "tasks:clear"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def clear(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        task_id: FromPath[str],
        data: ClearBody,
        actions: Injected[ActionService],
    ) -> ClearResult:
        """Clear a task (and optionally up/downstream, some map indexes) so it runs again."""
        cleared = await actions.clear(dag_id, run_id, task_id, data)
        return ClearResult(dry_run=data.dry_run, task_instances=cleared)

    @post(
        "/runs/{run_id:str}/tasks/{task_id:str}/state",
        operation_id="markTask",
        opt={"permission": "tasks:clear"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def mark(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        task_id: FromPath[str],
        data: MarkBody,
        actions: Injected[ActionService],
    ) -> MarkResult:
        """Mark a task instance success or failed."""
        return MarkResult(task_instances=await actions.mark(dag_id, run_id, task_id, data))
