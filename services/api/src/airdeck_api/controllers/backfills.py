"""``/dags/{dag_id}/backfills``: a DAG's backfills (Airflow 3): plan, start, list, pause,
unpause, cancel. An Airflow 2 deployment answers 400: its REST API has no backfills."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, patch, post
from litestar.params import FromPath, JSONBody, QueryParameter

from airdeck_api.controllers.paging import Limit, Page
from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.schemas.backfills import BackfillBody, BackfillPauseBody, BackfillPlan
from airdeck_api.services.backfills import BackfillService
from airdeck_api.services.idempotency import Idempotency
from airdeck_domain.backfills import Backfill, BackfillPage


class BackfillController(Controller):
    """Backfills of a DAG; every change is audited."""

    path = "/dags/{dag_id:str}/backfills"
    tags = ["Backfills"]

    @get(
        "/",
        operation_id="listBackfills",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def list_backfills(
        self,
        dag_id: FromPath[str],
        backfills: Injected[BackfillService],
        page: Page = 1,
        limit: Limit = 20,
        newest_first: Annotated[
            bool, QueryParameter(description="List the newest backfills first")
        ] = False,
    ) -> BackfillPage:
        """A page of the DAG's backfills, oldest first (or newest first), each with its
        progress: its runs by state, how many it has and how many ended."""
        return await backfills.page(dag_id, page=page, limit=limit, newest_first=newest_first)

    @post(
        "/dry-run",
        operation_id="planBackfill",
        opt={"permission": "dags:backfill", "audit": "create_backfill"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def plan(
        self,
        dag_id: FromPath[str],
        data: JSONBody[BackfillBody],
        backfills: Injected[BackfillService],
    ) -> BackfillPlan:
        """The runs this backfill would create, checked as a real one is; nothing starts."""
        return await backfills.plan(dag_id, data)

    @post(
        "/",
        operation_id="createBackfill",
        opt={"permission": "dags:backfill", "audit": "create_backfill"},
        responses=PROBLEM_RESPONSES,
        status_code=201,
    )
    async def create(
        self,
        dag_id: FromPath[str],
        data: JSONBody[BackfillBody],
        backfills: Injected[BackfillService],
        idempotency: Injected[Idempotency],
    ) -> Backfill:
        """Start a backfill: a run per schedule tick of the range (see ``…/dry-run``); its conf
        is validated against the DAG's params first. 409 while the DAG has one running."""

        async def create(_: str | None) -> Backfill:
            return await backfills.create(dag_id, data)

        return await idempotency.once(data, Backfill, 201, create)

    @get(
        "/{backfill_id:int}",
        operation_id="getBackfill",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def get_backfill(
        self,
        dag_id: FromPath[str],
        backfill_id: FromPath[int],
        backfills: Injected[BackfillService],
    ) -> Backfill:
        """One backfill of the DAG, with its progress."""
        return await backfills.get(dag_id, backfill_id)

    @patch(
        "/{backfill_id:int}/pause",
        operation_id="setBackfillPaused",
        opt={"permission": "dags:backfill", "audit": "pause_backfill"},
        responses=PROBLEM_RESPONSES,
    )
    async def pause(
        self,
        dag_id: FromPath[str],
        backfill_id: FromPath[int],
        data: JSONBody[BackfillPauseBody],
        backfills: Injected[BackfillService],
        idempotency: Injected[Idempotency],
    ) -> Backfill:
        """Pause a backfill (it starts no more runs) or unpause it."""

        async def pause(_: str | None) -> Backfill:
            change = "pause" if data.is_paused else "unpause"
            return await backfills.change(dag_id, backfill_id, change)

        return await idempotency.once(data, Backfill, 200, pause)

    @post(
        "/{backfill_id:int}/cancel",
        operation_id="cancelBackfill",
        opt={"permission": "dags:backfill", "audit": "cancel_backfill"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def cancel(
        self,
        dag_id: FromPath[str],
        backfill_id: FromPath[int],
        backfills: Injected[BackfillService],
    ) -> Backfill:
        """Cancel a backfill: it starts no more runs and is completed (the runs it started go
        on). 409 for one already completed."""
        return await backfills.change(dag_id, backfill_id, "cancel")
