"""``/required-actions``: the human-in-the-loop tasks (Airflow 3.1+) waiting for a person in
the DAGs the caller may see, one of them, and the audited response. On an Airflow 2 deployment
the inbox is empty and one request or a response answers 400: it has no such tasks."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody, QueryParameter

from airdeck_api.controllers.paging import NO_CONTROL_CHARACTERS, Limit, Page
from airdeck_api.injection import Injected
from airdeck_api.problems import PROBLEM_RESPONSES
from airdeck_api.schemas.required_actions import RequiredActionCount, RespondBody
from airdeck_api.services.idempotency import Idempotency
from airdeck_api.services.required_actions import RequiredActionService
from airdeck_domain.required_actions import ActionState, RequiredAction, RequiredActionPage

MapIndex = Annotated[
    int, QueryParameter(ge=-1, description="The mapped instance's index (-1: not mapped)")
]
DagFilter = Annotated[
    str | None,
    QueryParameter(
        min_length=1,
        pattern=NO_CONTROL_CHARACTERS,
        description="Only this DAG's requests (no control characters)",
    ),
]
StateFilter = Annotated[
    ActionState,
    QueryParameter(
        name="state",
        description="pending (waiting for a response, the default), responded, or all",
    ),
]


class RequiredActionController(Controller):
    """Human-in-the-loop requests; every response is audited."""

    path = "/required-actions"
    tags = ["Required actions"]

    @get(
        "/",
        operation_id="listRequiredActions",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def inbox(
        self,
        required_actions: Injected[RequiredActionService],
        page: Page = 1,
        limit: Limit = 25,
        dag_id: DagFilter = None,
        wanted: StateFilter = "pending",
    ) -> RequiredActionPage:
        """A page of the requests of the DAGs the caller may see, oldest first; ``total``
        counts them all."""
        return await required_actions.page(dag_id=dag_id, state=wanted, page=page, limit=limit)

    @get(
        "/count",
        operation_id="countRequiredActions",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def count(
        self,
        required_actions: Injected[RequiredActionService],
        dag_id: DagFilter = None,
    ) -> RequiredActionCount:
        """How many requests wait for a response in the DAGs the caller may see."""
        waiting = await required_actions.visible(dag_id=dag_id, state="pending")
        return RequiredActionCount(total=len(waiting))

    @get(
        "/{dag_id:str}/{run_id:str}/{task_id:str}",
        operation_id="getRequiredAction",
        opt={"permission": "dags:read"},
        responses=PROBLEM_RESPONSES,
    )
    async def get_action(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        task_id: FromPath[str],
        required_actions: Injected[RequiredActionService],
        map_index: MapIndex = -1,
    ) -> RequiredAction:
        """One request: subject, body, options, defaults, and its form's params with their
        JSON schema (``params_schema``, as a DAG's trigger form has it)."""
        return await required_actions.get(dag_id, run_id, task_id, map_index)

    @post(
        "/{dag_id:str}/{run_id:str}/{task_id:str}",
        operation_id="respondToAction",
        opt={"permission": "tasks:respond", "audit": "respond_action"},
        responses=PROBLEM_RESPONSES,
        status_code=200,
    )
    async def respond(
        self,
        dag_id: FromPath[str],
        run_id: FromPath[str],
        task_id: FromPath[str],
        data: JSONBody[RespondBody],
        required_actions: Injected[RequiredActionService],
        idempotency: Injected[Idempotency],
        map_index: MapIndex = -1,
    ) -> RequiredAction:
        """Answer a request: approve or reject, choose options, or submit its form (checked
        against its params first: 400 with ``errors`` per field). 409 once it was answered or
        no longer waits."""

        async def respond(_: str | None) -> RequiredAction:
            return await required_actions.respond(dag_id, run_id, task_id, map_index, data)

        return await idempotency.once(data, RequiredAction, 200, respond)
