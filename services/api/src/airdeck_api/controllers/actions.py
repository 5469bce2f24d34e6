"""Actions on DAGs, runs and tasks: pause, trigger, clear, mark (a task or a whole run), a
run's note. Each accepts an
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
    RunClearBody,
    RunNoteBody,
    RunResult,
    RunStateBody,
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
        """Mark a task instance success, failed or skipped; ``dry_run`` lists the instances
        that would change."""

        async def mark(_: str | None) -> MarkResult:
            marked = await actions.mark(dag_id, run_id, task_id, data)
            return MarkResult(task_instances=marked, dry_run=data.dry_run)

        return await idempotency.once(data, MarkResult, 200, mark)

    @post(
        "/runs/{run_id:str}/state",
        operation_id="markRun",
        opt={"permission": "tasks:clear", "audit": "set_run_state"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def mark_run(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        data: JSONBody[RunStateBody],
        actions: Injected[ActionService],
        idempotency: Injected[Idempotency],
    ) -> RunResult:
        """Mark a whole run success or failed; Airflow ends its unfinished task instances
        along (see the run's tasks for what that changed)."""

        async def mark_run(_: str | None) -> RunResult:
            return RunResult(run=await actions.set_run_state(dag_id, run_id, data.state))

        return await idempotency.once(data, RunResult, 200, mark_run)

    @post(
        "/runs/{run_id:str}/clear",
        operation_id="clearRun",
        opt={"permission": "tasks:clear", "audit": "clear_run"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def clear_run(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        data: JSONBody[RunClearBody],
        actions: Injected[ActionService],
        idempotency: Injected[Idempotency],
    ) -> ClearResult:
        """Clear a whole run (every task, or only the failed ones) so it runs again;
        ``dry_run`` lists what would be cleared."""

        async def clear_run(_: str | None) -> ClearResult:
            cleared = await actions.clear_run(dag_id, run_id, data)
            return ClearResult(dry_run=data.dry_run, task_instances=cleared)

        return await idempotency.once(data, ClearResult, 200, clear_run)

    @patch(
        "/runs/{run_id:str}/note",
        operation_id="setRunNote",
        opt={"permission": "dags:trigger", "audit": "set_run_note"},
        responses=PROBLEM_RESPONSES,
    )
    async def set_note(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        data: JSONBody[RunNoteBody],
        actions: Injected[ActionService],
        idempotency: Injected[Idempotency],
    ) -> RunResult:
        """Set a run's note (null removes it)."""

        async def set_note(_: str | None) -> RunResult:
            return RunResult(run=await actions.set_run_note(dag_id, run_id, data.note))

        return await idempotency.once(data, RunResult, 200, set_note)
