"""Required actions (human-in-the-loop tasks, Airflow 3.1+): the inbox of requests waiting in
the DAGs a caller may see, one request, and the audited response that goes to Airflow's
``hitlDetails`` API once Airdeck has checked it as a trigger's conf is checked."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import msgspec

from airdeck_api.schemas.required_actions import RespondBody
from airdeck_api.services.actions import after_the_fact
from airdeck_api.services.audit import OutcomeUnknownError
from airdeck_api.services.context import RequestContext
from airdeck_api.services.dags import DagQuery, DagService
from airdeck_api.statuses import status_of
from airdeck_domain.errors import (
    ConflictError,
    DomainError,
    InvalidInputError,
    NotFoundError,
    UnavailableError,
)
from airdeck_domain.required_actions import (
    ActionState,
    RequiredAction,
    RequiredActionPage,
    Respondent,
    chosen_or_default,
    completed_input,
    inbox,
    inbox_keys,
    response_errors,
    settle_delay,
    why_closed,
)


class _Actions(msgspec.Struct):
    items: list[RequiredAction]


class RequiredActionService:
    """The human-in-the-loop requests of one deployment's DAGs, for one caller."""

    def __init__(self, context: RequestContext, dags: DagService) -> None:
        self.airflow = context.airflow
        self.cache = context.cache
        self.access = context.access
        self.audit = context.audit
        self.actor = context.actor
        self.dags = dags

    @property
    def deployment(self) -> str:
        return self.airflow.name

    async def page(
        self, *, dag_id: str | None, state: ActionState, page: int, limit: int
    ) -> RequiredActionPage:
        """One page of the requests in ``state`` of the DAGs the caller may read (of
        ``dag_id`` only, when given), oldest first; ``total`` counts them all."""
        visible = await self.visible(dag_id=dag_id, state=state)
        offset = (page - 1) * limit
        return RequiredActionPage(
            items=visible[offset : offset + limit], total=len(visible), page=page, limit=limit
        )

    async def visible(self, *, dag_id: str | None, state: ActionState) -> list[RequiredAction]:
        """Every request in ``state`` the caller may see. Airflow lists every DAG's requests
        in one read (shared by every caller for a few seconds); a caller whose role reads every
        DAG sees them all, a scoped one those of the DAGs the DAG list shows them (one cached
        read of every DAG and one product-DB query, never a call per DAG). An Airflow 2
        deployment has no such tasks: its inbox is empty."""
        if dag_id is not None:
            await self.access.require("dags:read", dag_id)
        actions = await self._every(dag_id, state)
        if dag_id is not None or self.access.global_grant("dags:read") or not actions:
            return actions
        readable = {d.dag_id for d in await self.dags.matching(DagQuery())}
        return [a for a in actions if a.dag_id in readable]

    async def _every(self, dag_id: str | None, state: ActionState) -> list[RequiredAction]:
        async def load() -> _Actions:
            try:
                found = await self.airflow.every_required_action(dag_id=dag_id, state=state)
            except InvalidInputError as refused:
                # The adapter's own refusal of a deployment without the feature (it names the
                # deployment in ``errors``), not Airflow's answer: nothing there ever waits.
                if "deployment" not in refused.errors:
                    raise
                found = []
            return _Actions(items=found)

        rule = inbox(self.deployment, dag_id, state)
        return (await self.cache.read(rule, _Actions, load)).items

    async def get(self, dag_id: str, run_id: str, task_id: str, map_index: int) -> RequiredAction:
        """The request of one task instance of a DAG the caller may read (404 when the DAG,
        run or task does not exist or the task asks nobody anything; 400 on Airflow 2)."""
        await self.access.require("dags:read", dag_id)
        return await self._read(dag_id, run_id, task_id, map_index)

    async def _read(self, dag_id: str, run_id: str, task_id: str, map_index: int) -> RequiredAction:
        try:
            return await self.airflow.required_action(dag_id, run_id, task_id, map_index)
        except NotFoundError:
            instance = f"task '{task_id}'" + (f" [{map_index}]" if map_index >= 0 else "")
            raise NotFoundError(
                f"No required action for {instance} of run '{run_id}' of DAG '{dag_id}' in "
                f"deployment '{self.deployment}'",
                deployment=self.deployment,
            ) from None

    async def respond(
        self, dag_id: str, run_id: str, task_id: str, map_index: int, body: RespondBody
    ) -> RequiredAction:
        """Answer a request: approve or reject, choose options, or submit its form. The answer
        is checked first (options offered, one unless several may be chosen, the form valid
        against its params, missing fields taken from their defaults): 400 with ``errors`` per
        field, nothing sent. A request answered already or no longer waiting (timed out,
        cleared) is a 409. Audited as ``respond_action``, refusals and failures included."""
        async with self.audit.refusals(self.actor, "respond_action", self.deployment, dag_id):
            await self.access.require("tasks:respond", dag_id)
        details: dict[str, Any] = {
            "task_id": task_id,
            "map_index": map_index,
            "chosen_options": body.chosen_options,
            "params_input": body.params_input,
        }
        try:
            action = await self._read(dag_id, run_id, task_id, map_index)
            chosen, answer = self._checked(action, body)
        except DomainError as refused:  # 400, 404, 409, or 503 while reading the request
            await self._failed(dag_id, run_id, details, refused)
            raise
        details.update(chosen_options=chosen, params_input=answer)
        # A request only just made is given a moment (see RESPONSE_SETTLE): Airflow would fail
        # its task on a response faster than its scheduler.
        delay = settle_delay(action.created_at, datetime.now(UTC))
        if delay:
            await asyncio.sleep(delay)
        async with self.audit.action(
            self.actor, "respond_action", self.deployment, dag_id, run_id=run_id, details=details
        ):
            await self._send(dag_id, run_id, task_id, map_index, chosen, answer)
        await after_the_fact(
            self.cache.forget(*inbox_keys(self.deployment, dag_id)), "forgetting the inbox"
        )
        await after_the_fact(self.dags.forget_run(dag_id, run_id), "forgetting the run")
        return msgspec.structs.replace(
            action,
            response_received=True,
            responded_by=Respondent(id=self.actor.user_id, name=self.actor.user_id),
            responded_at=datetime.now(UTC),
            chosen_options=chosen,
            params_input=answer,
            waiting=False,
        )

    async def _send(
        self,
        dag_id: str,
        run_id: str,
        task_id: str,
        map_index: int,
        chosen: list[str],
        answer: dict[str, Any],
    ) -> None:
        """Give Airflow the response. When Airflow does not answer, the request is read again:
        holding this response, it was given; holding none, the failure stands; unreadable too,
        ``OutcomeUnknownError`` (503) leaves the audit row pending for the reconciler."""
        try:
            await self.airflow.respond(
                dag_id, run_id, task_id, map_index, chosen_options=chosen, params_input=answer
            )
        except UnavailableError as failure:
            try:
                now = await self.airflow.required_action(dag_id, run_id, task_id, map_index)
            except NotFoundError:
                raise failure from None
            except UnavailableError:
                raise OutcomeUnknownError(
                    "Airflow did not answer, so whether the response was recorded is not known "
                    "yet; Airdeck recorded it and will find out. Read the request again to see "
                    "it answered.",
                    deployment=self.deployment,
                ) from failure
            if not (now.response_received and now.chosen_options == chosen):
                raise failure from None

    def _checked(
        self, action: RequiredAction, body: RespondBody
    ) -> tuple[list[str], dict[str, Any]]:
        """The options and form answer to send, once the request still waits (ConflictError
        otherwise) and the answer passes (InvalidInputError naming each bad field)."""
        closed = why_closed(action)
        if closed is not None:
            raise ConflictError(closed + "; a response can no longer be given.")
        chosen = chosen_or_default(action, body.chosen_options)
        answer = completed_input(action, body.params_input)
        errors = response_errors(action, chosen, answer)
        if errors:
            raise InvalidInputError(
                "The response does not fit the request; nothing was sent: "
                + "; ".join(f"{k} {v}" for k, v in errors.items()),
                errors=errors,
            )
        return chosen, answer

    async def _failed(
        self, dag_id: str, run_id: str, details: dict[str, Any], refused: DomainError
    ) -> None:
        """Audit a response that never reached Airflow: refused by Airdeck's checks, or its
        request unreadable."""
        extra = {"errors": refused.errors} if isinstance(refused, InvalidInputError) else {}
        await self.audit.record(
            self.actor,
            "respond_action",
            self.deployment,
            dag_id,
            run_id=run_id,
            details={**details, **extra},
            outcome="failure",
            status=status_of(refused),
            reason=refused.message,
        )
