"""``…/tasks/{task_id}/logs``: incremental, redacted task logs."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import FromPath, QueryParameter

from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.services.logs import LogService
from airdeck_domain.models import LogChunk


class LogController(Controller):
    """Task logs."""

    path = "/dags/{dag_id:str}/runs/{run_id:str}/tasks/{task_id:str}/logs"
    tags = ["Logs"]

    @get(
        "/",
        operation_id="getTaskLogs",
        opt={"permission": "logs:read", "rate_limit": "logs"},
        responses=PROBLEM_RESPONSES,
    )
    async def logs(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        task_id: FromPath[str],
        logs: Injected[LogService],
        try_number: Annotated[
            int | None, QueryParameter(ge=1, description="The try (the latest when omitted)")
        ] = None,
        map_index: Annotated[
            int, QueryParameter(ge=-1, description="Mapped instance, -1 if unmapped")
        ] = -1,
        cursor: Annotated[
            str | None,
            QueryParameter(
                max_length=4096,
                description="From a previous response for this same log: only newer lines",
            ),
        ] = None,
    ) -> LogChunk:
        """Log lines after ``cursor``; ``is_complete`` once the task finished and all is read
        (on Airflow 2, 10 s after the try ended: its task runner writes its last lines then).

        Opening a log (a call without ``cursor``) is audited as ``view_logs``; following it
        with the returned cursor is the same viewing and is not audited again. Cursors are
        signed and bound to their log and try: any other (made up, altered, of another log)
        is refused with 400.
        """
        return await logs.tail(
            dag_id, run_id, task_id, try_number=try_number, map_index=map_index, cursor=cursor
        )
